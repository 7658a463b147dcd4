"""Protocol checks with jupyter_client against the replab kernel, started from its
kernelspec. Each test asserts what a frontend relies on: message order, parent links,
reply contents. Run through run_unittest.py by client.test.ts."""
from __future__ import annotations

import os
import time
import uuid

from kernel_harness import (
    DEADLINE,
    KernelCase,
    Msg,
    drain,
    execute,
    heartbeat_answers,
    iopub_until_idle,
    iopub_where,
    reply_to,
    send_control,
    send_shell,
    start_kernel,
    stop_kernel,
    wait_until,
)

KERNEL = os.environ.get("REPLAB_KERNEL", "replab")


def types(msgs: list) -> list[str]:
    return [m["msg_type"] for m in msgs]


class Execute(KernelCase):
    kernel_name = KERNEL

    def test_kernel_info_on_shell_and_control(self) -> None:
        msg_id = self.kc.kernel_info()
        reply = self.shell(msg_id)
        self.assertEqual(reply["msg_type"], "kernel_info_reply")
        self.assertEqual(reply["content"]["implementation"], "replab")
        self.assertGreaterEqual(tuple(map(int, reply["content"]["protocol_version"].split("."))), (5, 3))
        control_id = send_control(self.kc, "kernel_info_request")
        control = reply_to(self.kc.get_control_msg, control_id)
        self.assertEqual(control["msg_type"], "kernel_info_reply")
        self.assertEqual(control["content"]["language_info"], reply["content"]["language_info"])

    def test_message_order_and_parent_links(self) -> None:
        msg_id = self.kc.execute('console.log("out"); 6 * 7')
        reply = self.shell(msg_id)
        iopub = iopub_until_idle(self.kc, msg_id)
        self.assertEqual(types(iopub), ["status", "execute_input", "stream", "execute_result", "status"])
        self.assertEqual(iopub[0]["content"]["execution_state"], "busy")
        self.assertEqual(iopub[2]["content"], {"name": "stdout", "text": "out\n"})
        self.assertEqual(iopub[3]["content"]["data"]["text/plain"], "42")
        for msg in [*iopub, reply]:
            self.assertEqual(msg["parent_header"]["msg_id"], msg_id)
            self.assertEqual(msg["parent_header"]["msg_type"], "execute_request")
        self.assertEqual(reply["msg_type"], "execute_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        count = reply["content"]["execution_count"]
        self.assertEqual(iopub[1]["content"]["execution_count"], count)
        self.assertEqual(iopub[3]["content"]["execution_count"], count)
        self.assertEqual(iopub[1]["content"]["code"], 'console.log("out"); 6 * 7')

    def test_execution_counter(self) -> None:
        first, _ = self.execute("1")
        second, iopub = self.execute("2")
        n = first["content"]["execution_count"]
        self.assertEqual(second["content"]["execution_count"], n + 1)
        # silent runs the code but neither counts it nor publishes execute_input or results.
        silent, quiet = self.execute('Reflect.set(globalThis, "silentRan", true); 3', silent=True)
        self.assertEqual(silent["content"]["status"], "ok")
        self.assertNotIn("execute_input", types(quiet))
        self.assertNotIn("execute_result", types(quiet))
        self.assertEqual(self.value('Reflect.get(globalThis, "silentRan")'), "true")
        # store_history=False does not advance the counter either.
        unstored, _ = self.execute("4", store_history=False)
        self.assertEqual(unstored["content"]["status"], "ok")
        after, _ = self.execute("5")
        # Counted: "2", the value() check, "5"; not the silent run nor the unstored "4".
        self.assertEqual(after["content"]["execution_count"], n + 3)

    def test_state_shared_across_cells(self) -> None:
        self.execute("let counter = 1;")
        self.execute("counter += 41;")
        self.assertEqual(self.value("counter"), "42")

    def test_error_reply_and_iopub_error(self) -> None:
        reply, iopub = self.execute('throw new TypeError("bad thing")')
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "TypeError")
        self.assertEqual(content["evalue"], "bad thing")
        self.assertIsInstance(content["traceback"], list)
        self.assertTrue(content["traceback"])
        self.assertTrue(all(isinstance(line, str) for line in content["traceback"]))
        errors = [m for m in iopub if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "TypeError")
        self.assertEqual(errors[0]["content"]["evalue"], "bad thing")
        self.assertEqual(errors[0]["content"]["traceback"], content["traceback"])
        # The kernel survives and keeps counting.
        self.assertEqual(self.value("1 + 1"), "2")

    def test_display_update_and_clear(self) -> None:
        code = (
            'import { display, newDisplay } from "replab";\n'
            'const d = newDisplay(); d.text("first"); d.text("second");\n'
            'display.png(new Uint8Array([137, 80, 78, 71]));\n'
            "display.clear({ wait: true });"
        )
        if KERNEL == "replab-js":
            code = code.replace('import { display, newDisplay } from "replab";', 'const { display, newDisplay } = require("replab");')
        reply, iopub = self.execute(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        kinds = [t for t in types(iopub) if t not in ("status", "execute_input")]
        self.assertEqual(kinds, ["display_data", "update_display_data", "display_data", "clear_output"])
        first, update, png, clear = [m for m in iopub if m["msg_type"] in kinds]
        display_id = first["content"]["transient"]["display_id"]
        self.assertTrue(display_id)
        self.assertEqual(update["content"]["transient"]["display_id"], display_id)
        self.assertEqual(update["content"]["data"]["text/plain"], "second")
        self.assertEqual(png["content"]["data"]["image/png"], "iVBORw==")
        self.assertEqual(clear["content"], {"wait": True})


class Introspection(KernelCase):
    kernel_name = KERNEL

    def test_complete(self) -> None:
        self.execute("const someLongName = 1;")
        code = "someLo"
        reply = self.shell(self.kc.complete(code, len(code)))
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("someLongName", reply["content"]["matches"])
        self.assertEqual(reply["content"]["cursor_start"], 0)
        self.assertEqual(reply["content"]["cursor_end"], len(code))
        code = "Math.ma"
        reply = self.shell(self.kc.complete(code, len(code)))
        self.assertIn("max", reply["content"]["matches"])
        self.assertEqual(reply["content"]["cursor_start"], len("Math."))

    def test_inspect(self) -> None:
        reply = self.shell(self.kc.inspect("Math.max", len("Math.max")))
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertTrue(reply["content"]["found"])
        self.assertIn("text/plain", reply["content"]["data"])
        self.assertIn("max", reply["content"]["data"]["text/plain"])
        missing = self.shell(self.kc.inspect("  ", 1))
        self.assertEqual(missing["content"]["status"], "ok")
        self.assertFalse(missing["content"]["found"])

    def test_pager_payload(self) -> None:
        reply, _ = self.execute("Math.max?")
        self.assertEqual(reply["content"]["status"], "ok")
        payload = reply["content"]["payload"]
        self.assertEqual(len(payload), 1)
        self.assertEqual(payload[0]["source"], "page")
        self.assertIn("max", payload[0]["data"]["text/plain"])

    def test_is_complete(self) -> None:
        for code, status in [
            ("1 + 1", "complete"),
            ("function f() {", "incomplete"),
            ("const a = [1,", "incomplete"),
            ("1 +* 2", "invalid"),
        ]:
            with self.subTest(code=code):
                reply = self.shell(self.kc.is_complete(code))
                self.assertEqual(reply["content"]["status"], status)
                if status == "incomplete":
                    self.assertIsInstance(reply["content"]["indent"], str)

    def test_history_tail_range_search(self) -> None:
        marker = f"h{uuid.uuid4().hex[:8]}"
        codes = [f'"{marker}-{i}"' for i in range(3)]
        for code in codes:
            self.execute(code)
        tail = self.shell(self.kc.history(hist_access_type="tail", n=3, raw=True, output=False))
        self.assertEqual([row[2] for row in tail["content"]["history"]], codes)
        session, line = tail["content"]["history"][0][:2]
        ranged = self.shell(
            self.kc.history(hist_access_type="range", session=session, start=line, stop=line + 2, raw=True, output=False)
        )
        self.assertEqual([row[2] for row in ranged["content"]["history"]], codes[:2])
        with_output = self.shell(self.kc.history(hist_access_type="tail", n=1, raw=True, output=True))
        self.assertEqual(with_output["content"]["history"][0][2][0], codes[2])
        found = self.shell(self.kc.history(hist_access_type="search", pattern=f'"{marker}-*', raw=True, output=False))
        self.assertEqual([row[2] for row in found["content"]["history"]], codes)
        one = self.shell(
            self.kc.history(hist_access_type="search", pattern=f'"{marker}-*', n=1, raw=True, output=False)
        )
        self.assertEqual([row[2] for row in one["content"]["history"]], codes[-1:])


class Comms(KernelCase):
    kernel_name = KERNEL

    def comm_open(self, target: str) -> tuple[str, str]:
        comm_id = uuid.uuid4().hex
        msg_id = send_shell(self.kc, "comm_open", {"comm_id": comm_id, "target_name": target, "data": {}})
        return comm_id, msg_id

    def test_unknown_target_is_closed(self) -> None:
        comm_id, msg_id = self.comm_open("no.such.target")
        iopub = iopub_until_idle(self.kc, msg_id)
        closes = [m for m in iopub if m["msg_type"] == "comm_close"]
        self.assertEqual(len(closes), 1, types(iopub))
        self.assertEqual(closes[0]["content"]["comm_id"], comm_id)
        info = self.shell(self.kc.comm_info())
        self.assertNotIn(comm_id, info["content"]["comms"])

    def test_lineage_comm_lifecycle(self) -> None:
        comm_id, msg_id = self.comm_open("replab.lineage")
        iopub = iopub_until_idle(self.kc, msg_id)
        graphs = [m for m in iopub if m["msg_type"] == "comm_msg"]
        self.assertEqual(len(graphs), 1, types(iopub))
        self.assertEqual(graphs[0]["content"]["comm_id"], comm_id)
        self.assertEqual(graphs[0]["content"]["data"]["type"], "lineage")
        self.assertEqual(graphs[0]["content"]["data"]["graph"]["schema"], "replab.lineage/1")

        info = self.shell(self.kc.comm_info(target_name="replab.lineage"))
        self.assertEqual(info["content"]["comms"].get(comm_id), {"target_name": "replab.lineage"})

        # Asking again answers with the graph, parented to the request.
        ask = send_shell(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"request": "lineage"}})
        answers = [m for m in iopub_until_idle(self.kc, ask) if m["msg_type"] == "comm_msg"]
        self.assertEqual(len(answers), 1)
        self.assertEqual(answers[0]["content"]["data"]["type"], "lineage")

        # An execution pushes the new graph to the open comm, naming the variable it defined.
        msg_id = self.kc.execute("const lineageProbe = 1;")
        self.shell(msg_id)
        pushed = iopub_where(
            self.kc,
            lambda m: m["msg_type"] == "comm_msg"
            and m["content"]["comm_id"] == comm_id
            and "lineageProbe" in str(m["content"]["data"]["graph"]),
        )
        self.assertEqual(pushed["content"]["data"]["type"], "lineage")

        close = send_shell(self.kc, "comm_close", {"comm_id": comm_id, "data": {}})
        iopub_until_idle(self.kc, close)
        info = self.shell(self.kc.comm_info())
        self.assertNotIn(comm_id, info["content"]["comms"])

        # A closed comm gets no more pushes. iopub is ordered, so a push for the first
        # execution below would arrive before the new comm's push for the second.
        self.shell(self.kc.execute("const afterClose = 1;"))
        reopened, _ = self.comm_open("replab.lineage")
        self.shell(self.kc.execute("const afterReopen = 2;"))
        seen: list[str] = []

        def pushed_after_reopen(m: Msg) -> bool:
            if m["msg_type"] != "comm_msg":
                return False
            seen.append(m["content"]["comm_id"])
            return "afterReopen" in str(m["content"]["data"]["graph"])

        iopub_where(self.kc, pushed_after_reopen)
        self.assertNotIn(comm_id, seen)
        self.assertEqual(seen[-1], reopened)


class Stdin(KernelCase):
    kernel_name = KERNEL

    def code(self, call: str) -> str:
        if KERNEL == "replab-js":
            return f'const {{ input, password }} = require("replab");\nconst answer = await {call};\nanswer.toUpperCase()'
        return f'import {{ input, password }} from "replab";\nconst answer = await {call};\nanswer.toUpperCase()'

    def test_input_request_and_reply(self) -> None:
        msg_id = self.kc.execute(self.code('input("name? ")'), allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=DEADLINE)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.assertEqual(request["content"], {"prompt": "name? ", "password": False})
        self.kc.input("ada")
        reply = self.shell(msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m for m in iopub_until_idle(self.kc, msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "'ADA'")

    def test_password_request(self) -> None:
        msg_id = self.kc.execute(self.code('password("secret: ")'), allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=DEADLINE)
        self.assertTrue(request["content"]["password"])
        self.kc.input("x")
        self.assertEqual(self.shell(msg_id)["content"]["status"], "ok")
        iopub_until_idle(self.kc, msg_id)

    def test_no_stdin_is_an_error_not_a_hang(self) -> None:
        reply, _ = self.execute(self.code('input("name? ")'), allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("allow_stdin", reply["content"]["evalue"])


class Interrupt(KernelCase):
    kernel_name = KERNEL

    def interrupt_running(self, code: str, marker: str) -> dict:
        msg_id = self.kc.execute(code)
        # The marker is printed just before the cell blocks, so one interrupt is enough.
        iopub_where(
            self.kc,
            lambda m: m["parent_header"].get("msg_id") == msg_id
            and m["msg_type"] == "stream"
            and marker in m["content"]["text"],
        )
        self.km.interrupt_kernel()
        reply = self.shell(msg_id)
        iopub_until_idle(self.kc, msg_id)
        return reply

    def test_interrupt_stops_a_synchronous_loop(self) -> None:
        self.execute("const before = 21;")
        reply = self.interrupt_running('console.log("spinning"); while (true) {}', "spinning")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertEqual(self.value("before * 2"), "42")

    def test_interrupt_stops_a_pending_await(self) -> None:
        self.execute("const kept = 8;")
        reply = self.interrupt_running('console.log("waiting"); await new Promise(() => {});', "waiting")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertEqual(self.value("kept + 1"), "9")

    def test_interrupt_stops_a_loop_after_an_await(self) -> None:
        # After its first await a cell is a promise continuation that SIGINT cannot break;
        # the protocol process's flag stops the loop and the notebook's state survives.
        self.execute("const held = 20;")
        code = 'await Promise.resolve();\nconsole.log("looping");\nlet laps = 0;\nwhile (true) { laps++; }'
        reply = self.interrupt_running(code, "looping")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertEqual(self.value("held + 2"), "22")

    def test_interrupt_request_is_answered_on_control(self) -> None:
        msg_id = send_control(self.kc, "interrupt_request")
        reply = reply_to(self.kc.get_control_msg, msg_id)
        self.assertEqual(reply["msg_type"], "interrupt_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(self.value('"still here"'), "'still here'")

    def test_heartbeat_and_control_answer_while_a_cell_spins(self) -> None:
        self.execute("const survivor = 5;")
        msg_id = self.kc.execute('console.log("busy"); while (true) {}')
        iopub_where(
            self.kc,
            lambda m: m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream",
        )
        # The main thread is stuck in the loop; the protocol process still answers.
        self.assertTrue(heartbeat_answers(self.km))
        info = send_control(self.kc, "kernel_info_request")
        self.assertEqual(reply_to(self.kc.get_control_msg, info)["msg_type"], "kernel_info_reply")
        self.km.interrupt_kernel()
        self.assertEqual(self.shell(msg_id)["content"]["status"], "error")
        iopub_until_idle(self.kc, msg_id)
        self.assertEqual(self.value("survivor"), "5")


class FirstCellInterrupt(KernelCase):
    """An interrupt of a kernel's very first cell, each test with a kernel of its own: the
    engine's interrupt relay thread starts with the first cell, so this interrupt usually
    comes before it is up, and must still stop a loop that spins after an await."""

    kernel_name = KERNEL

    @classmethod
    def setUpClass(cls) -> None:
        pass

    @classmethod
    def tearDownClass(cls) -> None:
        pass

    def setUp(self) -> None:
        self.km, self.kc = start_kernel(KERNEL)

    def tearDown(self) -> None:
        stop_kernel(self.km, self.kc)

    def test_first_cell_spinning_after_an_await_is_interrupted(self) -> None:
        code = 'await Promise.resolve();\nconsole.log("looping");\nlet laps = 0;\nwhile (true) { laps++; }'
        msg_id = self.kc.execute(code)
        iopub_where(
            self.kc,
            lambda m: m["parent_header"].get("msg_id") == msg_id
            and m["msg_type"] == "stream"
            and "looping" in m["content"]["text"],
        )
        self.km.interrupt_kernel()
        reply = self.shell(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        iopub_until_idle(self.kc, msg_id)
        # The interrupt was this cell's: the next one runs.
        self.assertEqual(self.value("6 * 7"), "42")


class StopOnError(KernelCase):
    kernel_name = KERNEL

    def test_queued_executes_are_aborted_after_an_error(self) -> None:
        first = self.kc.execute('await new Promise((r) => setTimeout(r, 200)); throw new Error("first fails")')
        second = self.kc.execute('Reflect.set(globalThis, "secondRan", true)')
        third = self.kc.execute('Reflect.set(globalThis, "thirdRan", true)')
        self.assertEqual(self.shell(first)["content"]["status"], "error")
        for msg_id in (second, third):
            reply = self.shell(msg_id)
            self.assertEqual(reply["content"]["status"], "aborted")
            # No execution count: JupyterLab shows a skipped cell as [ ], as under ipykernel.
            self.assertNotIn("execution_count", reply["content"])
            iopub = iopub_until_idle(self.kc, msg_id)
            self.assertEqual(types(iopub), ["status", "status"])
        self.assertEqual(self.value('Reflect.has(globalThis, "secondRan")'), "false")
        # A request sent after the failure runs normally.
        self.assertEqual(self.value("1"), "1")

    def test_stop_on_error_false_lets_queued_executes_run(self) -> None:
        first = self.kc.execute('throw new Error("tolerated")', stop_on_error=False)
        second = self.kc.execute('Reflect.set(globalThis, "afterTolerated", 1)')
        self.assertEqual(self.shell(first)["content"]["status"], "error")
        self.assertEqual(self.shell(second)["content"]["status"], "ok")
        iopub_until_idle(self.kc, second)
        self.assertEqual(self.value('Reflect.get(globalThis, "afterTolerated")'), "1")


class Shutdown(KernelCase):
    """Each test uses its own kernel: shutting down is the point."""

    kernel_name = KERNEL

    @classmethod
    def setUpClass(cls) -> None:
        pass

    @classmethod
    def tearDownClass(cls) -> None:
        pass

    def setUp(self) -> None:
        self.km, self.kc = start_kernel(KERNEL)

    def tearDown(self) -> None:
        stop_kernel(self.km, self.kc)

    def shutdown(self, restart: bool) -> dict:
        msg_id = self.kc.shutdown(restart=restart)
        reply = reply_to(self.kc.get_control_msg, msg_id)
        self.assertTrue(wait_until(lambda: not self.km.is_alive()), "the kernel process did not exit")
        return reply

    def test_shutdown_reply_and_exit(self) -> None:
        reply = self.shutdown(restart=False)
        self.assertEqual(reply["msg_type"], "shutdown_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIs(reply["content"]["restart"], False)

    def test_shutdown_echoes_restart(self) -> None:
        reply = self.shutdown(restart=True)
        self.assertIs(reply["content"]["restart"], True)

    def test_restart_gives_a_fresh_kernel(self) -> None:
        execute(self.kc, 'Reflect.set(globalThis, "gone", 1)')
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=DEADLINE)
        drain(self.kc)
        reply, iopub = execute(self.kc, 'Reflect.has(globalThis, "gone")')
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["execution_count"], 1)
        result = [m for m in iopub if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["data"]["text/plain"], "false")

    def test_shutdown_while_a_cell_spins(self) -> None:
        msg_id = self.kc.execute('console.log("spin"); while (true) {}')
        iopub_where(self.kc, lambda m: m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream")
        reply = self.shutdown(restart=False)
        self.assertEqual(reply["content"]["status"], "ok")


if __name__ == "__main__":
    import unittest

    unittest.main(verbosity=2)
