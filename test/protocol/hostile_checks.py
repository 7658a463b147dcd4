"""Issue 9 through jupyter_client: hostile cell values and requests each get their reply and
the kernel answers the next cell; 20,000 fast lines arrive complete before idle. Run through
run_unittest.py by hostile-client.test.ts; 30,000 displays read only after the reply arrive
complete too."""
from __future__ import annotations

import os

from kernel_harness import KernelCase, iopub_until_idle, reply_to, send_shell

KERNEL = os.environ.get("REPLAB_KERNEL", "replab")

HOSTILE = [
    'import { display } from "replab"; display.json({ n: 1n })',
    "({ n: 2n ** 80n })",
    "const c = { a: 1 }; c.self = c; display.json(c)",
    'display.json({ get x() { throw new Error("no") } })',
    '({ [Symbol.for("Jupyter.display")]() { throw new Error("no") } })',
    '({ [Symbol.for("Jupyter.display")]() { return { "application/json": { n: 3n } } } })',
]


class Hostile(KernelCase):
    kernel_name = KERNEL

    def test_hostile_values_get_a_reply_and_the_kernel_lives(self) -> None:
        for code in HOSTILE:
            reply, _ = self.execute(code)
            self.assertIn(reply["content"]["status"], ["ok", "error"], code)
            self.assertEqual(self.value("40 + 2"), "42", code)

    def test_bigint_is_a_number_on_the_wire(self) -> None:
        _, iopub = self.execute('import { display } from "replab"; display.json({ n: 1n })')
        shown = [m for m in iopub if m["msg_type"] == "display_data"]
        self.assertEqual(shown[0]["content"]["data"]["application/json"], {"n": 1})

    def test_history_pattern_not_a_string_is_an_error_reply(self) -> None:
        msg_id = send_shell(
            self.kc,
            "history_request",
            {"hist_access_type": "search", "pattern": 5, "output": False, "raw": True},
        )
        reply = self.shell(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(self.value("1 + 1"), "2")

    def test_history_tail_zero_is_no_rows(self) -> None:
        self.execute("1")
        msg_id = self.kc.history(hist_access_type="tail", n=0)
        self.assertEqual(self.shell(msg_id)["content"]["history"], [])

    def test_twenty_thousand_lines_arrive_before_idle(self) -> None:
        msg_id = self.kc.execute("for (let i = 0; i < 20000; i++) console.log(i)")
        reply_to(self.kc.get_shell_msg, msg_id)
        iopub = iopub_until_idle(self.kc, msg_id)
        text = "".join(m["content"]["text"] for m in iopub if m["msg_type"] == "stream")
        self.assertEqual(text.splitlines(), [str(i) for i in range(20000)])
        self.assertEqual(iopub[-1]["content"]["execution_state"], "idle")

    def test_thirty_thousand_displays_read_late_all_arrive(self) -> None:
        # Read only after the reply, as a client reading shell first does: the displays
        # overflow ZeroMQ's queues (about 9,500 fit), and the kernel must wait, not drop.
        count = 30000
        code = f'import {{ display }} from "replab"; for (let i = 0; i < {count}; i++) display.text(String(i))'
        msg_id = self.kc.execute(code)
        reply_to(self.kc.get_shell_msg, msg_id)
        iopub = iopub_until_idle(self.kc, msg_id)
        shown = [m["content"]["data"]["text/plain"] for m in iopub if m["msg_type"] == "display_data"]
        self.assertEqual(shown, [str(i) for i in range(count)])
