"""Completion, inspect and magics as JupyterLab asks for them, through jupyter_client: the
experimental types metadata the completer shows, JSDoc in Shift+Tab, members of the Node that
runs, help instead of errors for %repro, %repro help and %lsmagic, and charts. Run through
run_unittest.py by introspection.test.ts."""
from __future__ import annotations

from typing import Any

from kernel_harness import KernelCase, iopub_until_idle, reply_to

Msg = dict[str, Any]


class Introspection(KernelCase):
    """Helpers shared by both kernels."""

    kernel_name = "replab"

    def complete(self, code: str, cursor: int | None = None) -> dict[str, Any]:
        msg_id = self.kc.complete(code, len(code) if cursor is None else cursor)
        content = reply_to(self.kc.get_shell_msg, msg_id)["content"]
        self.assertEqual(content["status"], "ok", content)
        return content

    def types_of(self, content: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {t["text"]: t for t in content["metadata"]["_jupyter_types_experimental"]}

    def inspect(self, code: str, cursor: int, level: int = 0) -> dict[str, Any]:
        msg_id = self.kc.inspect(code, cursor, level)
        content = reply_to(self.kc.get_shell_msg, msg_id)["content"]
        self.assertEqual(content["status"], "ok", content)
        return content

    def execute_in_cell(self, code: str, cell_id: str) -> Msg:
        """An execute_request as JupyterLab sends it, with the cell's id in metadata.cellId."""
        content = {"code": code, "silent": False, "store_history": True,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        self.kc.shell_channel.send(msg)
        reply = reply_to(self.kc.get_shell_msg, msg["header"]["msg_id"])
        iopub_until_idle(self.kc, msg["header"]["msg_id"])
        return reply

    def text_of(self, code: str) -> str:
        reply, iopub = self.execute(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        out = [m for m in iopub if m["msg_type"] in ("execute_result", "display_data")]
        self.assertEqual(len(out), 1, [m["msg_type"] for m in iopub])
        return out[0]["content"]["data"]["text/plain"]


class TypeScript(Introspection):
    kernel_name = "replab"

    def test_completion_items_carry_kinds_and_signatures(self) -> None:
        self.execute("/** Mean of the values. */\nfunction mean(xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length }\nconst total = 3;\nclass Point { x = 1 }")
        types = self.types_of(self.complete("me"))
        self.assertEqual(types["mean"]["type"], "function")
        self.assertIn("mean(xs: number[]): number", types["mean"]["signature"])
        self.assertEqual(self.types_of(self.complete("tot"))["total"]["type"], "variable")
        self.assertEqual(self.types_of(self.complete("Poi"))["Point"]["type"], "class")
        member = self.types_of(self.complete('"abc".toUpp'))
        self.assertEqual(member["toUpperCase"]["type"], "function")

    def test_completion_offers_only_what_this_node_has(self) -> None:
        import subprocess

        matches = self.complete("Math.")["matches"]
        self.assertIn("fround", matches)
        has_f16 = subprocess.run(
            ["node", "-p", "typeof Math.f16round"], capture_output=True, text=True, check=True
        ).stdout.strip()
        self.assertEqual("f16round" in matches, has_f16 == "function", matches)

    def test_inspect_shows_the_signature_and_the_jsdoc_of_an_earlier_cell(self) -> None:
        self.execute("/** Scales a value by the factor. */\nfunction scale(v: number, k = 2) { return v * k }")
        on_name = self.inspect("scale", 3)
        self.assertTrue(on_name["found"])
        text = on_name["data"]["text/plain"]
        self.assertIn("function scale(v: number, k?: number): number", text)
        self.assertIn("Scales a value by the factor.", text)
        inside_call = self.inspect("scale(1, ", 9)
        self.assertTrue(inside_call["found"], "Shift+Tab inside the call's parentheses")
        self.assertIn("Scales a value", inside_call["data"]["text/markdown"])

    def test_magics_give_help_not_errors(self) -> None:
        for code in ("%repro", "%repro help", "%lsmagic"):
            text = self.text_of(code)
            for magic in ("%repro export", "%repro status", "%lineage", "%lsmagic"):
                self.assertIn(magic, text, code)

    def test_magics_complete(self) -> None:
        self.assertEqual(self.complete("%re")["matches"], ["repro"])
        self.assertEqual(self.complete("%repro st")["matches"], ["status"])
        self.assertIn("help", self.complete("%repro ")["matches"])

    def test_status_names_cells_as_the_prompt_does_with_a_status_column(self) -> None:
        reply = self.execute_in_cell("const base = 1", "4b7e0a52-1d2c-4c41-9f55-0a8f0d6a2b10")
        count = reply["content"]["execution_count"]
        text = self.text_of("%repro status")
        header = text.splitlines()[1].split()
        self.assertEqual(header[:2], ["cell", "status"])
        self.assertNotIn("4b7e0a52-1d2c", text)
        row = next(line for line in text.splitlines() if line.startswith(f"[{count}]"))
        self.assertIn("ran", row)
        self.assertLess(max(len(line) for line in text.splitlines()), 120)

    def test_vega_lite_displays_the_spec_and_an_svg(self) -> None:
        reply, iopub = self.execute(
            'import { display } from "replab";\n'
            "const pts = [0, 1, 2, 3].map((i) => ({ epoch: i, loss: 1 / (i + 1) }));\n"
            'display.chart(pts, { x: "epoch", y: "loss", title: "training loss" })'
        )
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        shown = [m for m in iopub if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1, [m["msg_type"] for m in iopub])
        data = shown[0]["content"]["data"]
        spec = data["application/vnd.vegalite.v5+json"]
        self.assertEqual([v["loss"] for v in spec["data"]["values"]], [1, 0.5, 1 / 3, 0.25])
        self.assertTrue(data["image/svg+xml"].startswith("<svg"), data["image/svg+xml"][:80])
        self.assertIn("training loss", data["image/svg+xml"])

    def test_a_bad_chart_is_a_cell_error_that_names_the_columns(self) -> None:
        reply, _ = self.execute(
            'import { display } from "replab";\nawait display.chart([{ a: 1 }], { y: "b" })'
        )
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("no column 'b'", reply["content"]["evalue"])
        self.assertIn("a", reply["content"]["evalue"])


class JavaScript(Introspection):
    kernel_name = "replab-js"

    def test_completes_after_literals(self) -> None:
        for code, expected in (
            ('"abc".toUpperC', "toUpperCase"),
            ("[1].fil", "filter"),
            ("(1).toFix", "toFixed"),
            ("({ a: 1 }).hasOwn", "hasOwnProperty"),
        ):
            self.assertIn(expected, self.complete(code)["matches"], code)

    def test_element_access_is_not_an_array_literal(self) -> None:
        self.execute('var words = ["x"]')
        matches = self.complete("words[0].toUpp")["matches"]
        self.assertNotIn("filter", matches)

    def test_live_completion_types(self) -> None:
        self.execute("var lib = { run() {}, size: 3, Thing: class {} }")
        types = self.types_of(self.complete("lib."))
        self.assertEqual(types["run"]["type"], "function")
        self.assertEqual(types["size"]["type"], "property")
        self.assertEqual(types["Thing"]["type"], "class")
