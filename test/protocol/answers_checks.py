"""Issue 9 through jupyter_client, the rest of "a kernel that always answers": user_expressions
evaluated as ipykernel does, prompt() through input_request, JEP 65's iopub_welcome, and
execute_request on control answered with an error and never run. Run through
run_unittest.py by answers-client.test.ts, for both kernelspecs."""
from __future__ import annotations

import os

import zmq

from kernel_harness import DEADLINE, KernelCase, iopub_until_idle, reply_to, send_control

KERNEL = os.environ.get("REPLAB_KERNEL", "replab")

# A value that says how it displays: its bundle must reach the reply as a MIME bundle.
SHOWN = '({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>shown</b>" } } })'


class UserExpressions(KernelCase):
    kernel_name = KERNEL

    def run_with(self, code: str, expressions: dict[str, str]) -> dict:
        reply, _ = self.execute(code, user_expressions=expressions)
        return reply["content"]

    def test_each_expression_after_the_cell_in_its_globals(self) -> None:
        content = self.run_with("const ueBase = 41", {"next": "ueBase + 1", "big": "2n ** 70n"})
        self.assertEqual(content["status"], "ok")
        found = content["user_expressions"]
        self.assertEqual(found["next"], {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}})
        self.assertEqual(found["big"]["data"]["text/plain"], "1180591620717411303424n")

    def test_a_bad_expression_is_an_error_entry_and_the_rest_still_run(self) -> None:
        found = self.run_with(
            "1", {"syntax": "1 +", "missing": "ueNoSuchName", "statement": "let y = 1", "ok": "'a'"}
        )["user_expressions"]
        self.assertEqual(found["syntax"]["status"], "error")
        self.assertEqual(found["syntax"]["ename"], "SyntaxError")
        self.assertEqual(found["missing"]["status"], "error")
        self.assertEqual(found["missing"]["ename"], "ReferenceError")
        self.assertIn("ueNoSuchName", found["missing"]["evalue"])
        self.assertIsInstance(found["missing"]["traceback"], list)
        self.assertEqual(found["statement"]["status"], "error")
        self.assertEqual(found["ok"]["data"]["text/plain"], "'a'")

    def test_a_value_that_displays_itself_is_a_mime_bundle(self) -> None:
        found = self.run_with("2", {"shown": SHOWN})["user_expressions"]
        self.assertEqual(found["shown"]["data"]["text/html"], "<b>shown</b>")
        self.assertIn("text/plain", found["shown"]["data"])

    def test_not_evaluated_when_the_cell_fails(self) -> None:
        content = self.run_with('throw new Error("cell fails")', {"ran": "(globalThis.ueRan = 1)"})
        self.assertEqual(content["status"], "error")
        self.assertEqual(self.value('typeof Reflect.get(globalThis, "ueRan")'), "'undefined'")

    def test_a_non_string_expression_is_an_error_reply(self) -> None:
        msg = self.kc.session.msg(
            "execute_request",
            {"code": "3", "silent": False, "user_expressions": {"n": 5}},
        )
        self.kc.shell_channel.send(msg)
        reply = self.shell(msg["header"]["msg_id"])
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("user_expressions", reply["content"]["evalue"])
        self.assertEqual(self.value("1 + 1"), "2")


class Prompt(KernelCase):
    kernel_name = KERNEL

    def answer(self, code: str, answer: str, prompt: str) -> str:
        msg_id = self.kc.execute(code, allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=DEADLINE)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.assertEqual(request["content"], {"prompt": prompt, "password": False})
        self.kc.input(answer)
        self.assertEqual(self.shell(msg_id)["content"]["status"], "ok")
        iopub = iopub_until_idle(self.kc, msg_id)
        results = [m for m in iopub if m["msg_type"] == "execute_result"]
        return results[0]["content"]["data"]["text/plain"]

    def test_prompt_is_a_global_that_asks_through_stdin(self) -> None:
        code = 'const who = await prompt("name? ");\nwho.toUpperCase()'
        self.assertEqual(self.answer(code, "ada", "name? "), "'ADA'")

    def test_kernel_testbed_snippet_without_await(self) -> None:
        self.assertEqual(self.answer("prompt('Enter: ')", "typed", "Enter: "), "'typed'")

    def test_an_empty_answer_gives_the_default(self) -> None:
        self.assertEqual(self.answer('await prompt("n?", "7")', "", "n?"), "'7'")

    def test_no_stdin_is_an_error_not_a_hang(self) -> None:
        reply, _ = self.execute('await prompt("x")', allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("allow_stdin", reply["content"]["evalue"])


class Welcome(KernelCase):
    kernel_name = KERNEL

    def subscribe(self, topic: bytes) -> dict:
        """A fresh SUB socket on iopub; the first message it gets, checked and parsed."""
        sock = zmq.Context.instance().socket(zmq.SUB)
        sock.linger = 0
        try:
            sock.setsockopt(zmq.SUBSCRIBE, topic)
            sock.connect(f"{self.km.transport}://{self.km.ip}:{self.km.iopub_port}")
            self.assertNotEqual(sock.poll(int(DEADLINE * 1000)), 0, "no welcome")
            frames = sock.recv_multipart()
        finally:
            sock.close()
        _, parts = self.km.session.feed_identities(frames)
        return self.km.session.deserialize(parts)  # raises if the signature is wrong

    def test_a_new_subscriber_is_welcomed(self) -> None:
        welcome = self.subscribe(b"")
        self.assertEqual(welcome["msg_type"], "iopub_welcome")
        self.assertEqual(welcome["content"], {"subscription": ""})
        self.assertEqual(welcome["parent_header"], {})

    def test_a_topic_subscriber_gets_it_on_its_topic(self) -> None:
        welcome = self.subscribe(b"kernel.")
        self.assertEqual(welcome["content"], {"subscription": "kernel."})

    def test_every_subscriber_is_welcomed_not_only_the_first(self) -> None:
        for _ in range(3):
            self.assertEqual(self.subscribe(b"")["msg_type"], "iopub_welcome")

    def test_a_jupyter_client_gets_the_welcome(self) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            msg = kc.get_iopub_msg(timeout=DEADLINE)
            self.assertEqual(msg["msg_type"], "iopub_welcome")
        finally:
            kc.stop_channels()


class Control(KernelCase):
    kernel_name = KERNEL

    def test_execute_on_control_is_an_error_reply_and_not_run(self) -> None:
        msg_id = send_control(self.kc, "execute_request", {"code": "globalThis.onControl = 1"})
        reply = reply_to(self.kc.get_control_msg, msg_id)
        self.assertEqual(reply["msg_type"], "execute_reply")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "wrong-channel")
        self.assertIn("shell", reply["content"]["evalue"])
        self.assertEqual(self.value('typeof Reflect.get(globalThis, "onControl")'), "'undefined'")

    def test_other_requests_on_control_still_answer(self) -> None:
        msg_id = send_control(self.kc, "kernel_info_request")
        reply = reply_to(self.kc.get_control_msg, msg_id)
        self.assertEqual(reply["content"]["status"], "ok")


class CommInfo(KernelCase):
    kernel_name = KERNEL

    def test_a_null_target_name_lists_every_comm(self) -> None:
        # runtimed's jupyter-protocol (Rust clients, kernel-testbed) sends an absent target as null.
        msg_id = send_control(self.kc, "comm_info_request", {"target_name": None})
        reply = reply_to(self.kc.get_control_msg, msg_id)
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})
