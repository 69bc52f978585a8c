"""py-eureka-client (PyPI) against a Eureka server: registers, discovers, calls, deregisters.

Run with the virtualenv's Python (.peers/python). Job (argv[1], JSON): {"server": Eureka URL
(http://host:port/eureka), "port": this instance's port, "target": application to call}.
Registers PY-SVC with metadata lang=python, fetches the registry, calls GET /hello on an UP instance
of the target through the client's own discovery (do_service), and prints one JSON line:
{"ok", "answer", "apps", "hashcode", "error"}. Then waits for a line on stdin and stops the client,
which marks the instance DOWN and deregisters it.
"""
import asyncio
import json
import sys
import traceback

import py_eureka_client.eureka_client as eureka_client


async def main(job):
    result = {"ok": False}
    try:
        client = await eureka_client.init_async(
            eureka_server=job["server"],
            app_name="py-svc",
            instance_id="py-1",
            instance_host="127.0.0.1",
            instance_ip="127.0.0.1",
            instance_port=job["port"],
            renewal_interval_in_secs=1,
            duration_in_secs=30,
            metadata={"lang": "python"},
        )
        answer = await client.do_service(app_name=job["target"], service="/hello")
        apps = client.applications
        result = {
            "ok": True,
            "answer": answer,
            "apps": sorted(a.name for a in apps.applications),
            "hashcode": apps.appsHashcode,
        }
    except Exception as error:  # the test prints what went wrong
        result["error"] = f"{error!r}\n{traceback.format_exc()}"
    print(json.dumps(result), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await eureka_client.stop_async()


asyncio.run(main(json.loads(sys.argv[1])))
