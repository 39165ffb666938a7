# Several KLayout scripts in one KLayout process: one start (about 2 s of CPU) for them all.
#   klayout -b -r batch.py -rd batch=jobs.json -rd out=status.json
# jobs.json: [{"script": "check_layout.py", "vars": {"gds": "a.gds", "out": "a.json"}}, ...]
# Each job runs as `klayout -b -r <script> -rd k=v ...` would run it: its vars (strings) are the
# globals it starts with, beside __name__ "__main__" and __file__ (its path); every job gets fresh
# globals, and the modules it imports from outside the installed libraries (check_layout.py's
# review_rules, whose limits it sets from its options) are imported afresh, so no job's options
# reach the next one. Installed modules (numpy, pya) stay loaded: numpy warns when imported twice.
# A job that raises, or exits with a non-zero status, is recorded as failed with its error and the
# next job still runs. status.json lists every job in order: {"script", "ok", "seconds", "error"}
# (error: null or the traceback's last lines); the exit status is 1 when any job failed.
import gc, json, os, sys, time, traceback

jobs = json.load(open(globals()["batch"]))
# the installed libraries: the module path KLayout's Python starts with
LIBS = tuple(os.path.join(os.path.abspath(p), "") for p in sys.path if p)

def installed(module):
    f = getattr(module, "__file__", None)
    return f is None or os.path.abspath(f).startswith(LIBS)

status_file = globals()["out"]
status = []
for job in jobs:
    script = os.path.abspath(job["script"])
    modules, path = set(sys.modules), list(sys.path)
    scope = {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__}
    scope.update({k: str(v) for k, v in job.get("vars", {}).items()})
    t0, error = time.time(), None
    try:
        with open(script) as f:
            code = compile(f.read(), script, "exec")
        exec(code, scope)
    except SystemExit as e:
        if e.code not in (None, 0):
            error = f"exit status {e.code}"
    except BaseException:
        error = "".join(traceback.format_exc().splitlines(True)[-6:])
    finally:
        for name in set(sys.modules) - modules:
            if not installed(sys.modules[name]):
                del sys.modules[name]
        sys.path[:] = path
        scope.clear()
        gc.collect()
        sys.stdout.flush()
    status.append({"script": job["script"], "ok": error is None, "seconds": round(time.time() - t0, 2), "error": error})
    if error:
        print(f"batch: {job['script']} failed: {error}", file=sys.stderr)

with open(status_file, "w") as fh:
    json.dump(status, fh, indent=1)
if not all(s["ok"] for s in status):
    sys.exit(1)
