/**
 * The export dialog's body: folder, "replace the earlier export", "include data" and a
 * target (a cell id or variable, offered from the graph). `getValue` is what JupyterLab's
 * Dialog returns on accept.
 */
import { Widget } from "@lumino/widgets";
import type { ExportOptions } from "./exporter";

let dialogs = 0;

function labelled(text: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  const label = document.createElement("label");
  label.className = "rl-export-field";
  const span = document.createElement("span");
  span.textContent = text;
  // A checkbox comes before its words, a text box after them.
  if (input instanceof HTMLInputElement && input.type === "checkbox") {
    label.classList.add("rl-export-check");
    label.append(input, span);
  } else label.append(span, input);
  if (hint) {
    const small = document.createElement("small");
    small.textContent = hint;
    label.append(small);
  }
  return label;
}

function checkbox(name: string, checked: boolean): HTMLInputElement {
  const box = document.createElement("input");
  box.type = "checkbox";
  box.name = name;
  box.checked = checked;
  return box;
}

/** The dialog body; `targets` are offered as the target's suggestions. */
export class ExportForm extends Widget {
  private readonly dir: HTMLInputElement;
  private readonly force: HTMLInputElement;
  private readonly includeData: HTMLInputElement;
  private readonly target: HTMLInputElement;

  constructor(initial: ExportOptions, targets: readonly string[]) {
    super();
    this.addClass("rl-export-form");
    const n = ++dialogs;
    this.dir = document.createElement("input");
    this.dir.name = "dir";
    this.dir.className = "jp-mod-styled";
    this.dir.value = initial.dir;
    this.force = checkbox("force", initial.force);
    this.includeData = checkbox("include-data", initial.includeData);
    this.target = document.createElement("input");
    this.target.name = "target";
    this.target.className = "jp-mod-styled";
    this.target.value = initial.target;
    this.target.placeholder = "the whole notebook";
    const list = document.createElement("datalist");
    list.id = `rl-export-targets-${n}`;
    for (const t of targets) {
      const option = document.createElement("option");
      option.value = t;
      list.append(option);
    }
    this.target.setAttribute("list", list.id);
    this.node.append(
      labelled("Folder, relative to the notebook", this.dir),
      labelled(
        "Replace the earlier export",
        this.force,
        "Only files an earlier export wrote are replaced; yours are kept.",
      ),
      labelled("Include data", this.includeData, "Copy the files the cells read into data/."),
      labelled(
        "Target (cell id or variable)",
        this.target,
        "Export only what it needs; empty for every cell.",
      ),
      list,
    );
  }

  /** The options as filled in. */
  getValue(): ExportOptions {
    return {
      dir: this.dir.value.trim(),
      force: this.force.checked,
      includeData: this.includeData.checked,
      target: this.target.value.trim(),
    };
  }

  protected override onAfterAttach(): void {
    this.dir.focus();
    this.dir.select();
  }
}
