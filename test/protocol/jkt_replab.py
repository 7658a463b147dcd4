"""The official jupyter_kernel_test suite, subclassed for both replab kernelspecs with every
optional sample filled. Run by conformance.test.ts with JUPYTER_PATH pointing at a fresh
`replab install --prefix`."""
import unittest

import jupyter_kernel_test as jkt


class ReplabTypeScriptTests(jkt.KernelTests):
    kernel_name = "replab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("some error")'
    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const sample_value = 1; sample_va", "matches": {"sample_value"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,", "if (true) {"]
    invalid_code_samples = ["const = ;", "1 +* 2"]
    code_page_something = "Math.max?"
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
    ]
    code_display_data = [
        {"code": 'import { display } from "replab"; display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'import { display } from "replab"; display.markdown("*hi*")', "mime": "text/markdown"},
        {"code": 'import { display } from "replab"; display.svg("<svg></svg>")', "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = 'import { display } from "replab"; display.clear()'


class ReplabJavaScriptTests(jkt.KernelTests):
    kernel_name = "replab-js"
    language_name = "javascript"
    file_extension = ".js"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("some error")'
    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 1;"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,"]
    invalid_code_samples = ["const = ;", "1 +* 2"]
    code_page_something = "Math.max?"
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [{"code": "6 * 7", "result": "42"}]
    code_display_data = [
        {"code": 'const { display } = require("replab"); display.html("<b>hi</b>")', "mime": "text/html"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = 'require("replab").display.clear()'


if __name__ == "__main__":
    unittest.main(verbosity=2)
