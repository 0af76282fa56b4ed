// The copydesk serve page's editor: CodeMirror 6 with its lint extension,
// behind the small interface app.js uses (the one a textarea had: value,
// selectionStart/End, setSelectionRange, focus) plus the findings as lint
// diagnostics. Bundled into ../editor.js by build.mjs; positions are UTF-16
// indices, as in any JavaScript string.
import { EditorState, Annotation } from "@codemirror/state";
import { EditorView, keymap, drawSelection, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { setDiagnostics, lintKeymap } from "@codemirror/lint";

// A change the page makes (opening a file, applying a fix), not the writer.
const fromPage = Annotation.define();

export function create(parent, { id, labelledBy, describedBy, hint, nonce, onInput }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: "",
      extensions: [
        // The page's policy allows the editor's one <style> element by nonce.
        EditorView.cspNonce.of(nonce),
        history(),
        drawSelection(),
        EditorView.lineWrapping,
        placeholder(hint),
        keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        EditorView.contentAttributes.of({ id, "aria-labelledby": labelledBy, "aria-describedby": describedBy, spellcheck: "true" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((t) => t.annotation(fromPage))) onInput();
        }),
      ],
    }),
  });
  return {
    view,
    get value() {
      return view.state.doc.toString();
    },
    set value(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: fromPage.of(true) });
    },
    get selectionStart() {
      return view.state.selection.main.from;
    },
    get selectionEnd() {
      return view.state.selection.main.to;
    },
    setSelectionRange(from, to) {
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
    },
    focus() {
      view.focus();
    },
    // Replace the text as the writer would (the page checks it again).
    edit(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // Findings as lint diagnostics: { from, to, severity, message }.
    setDiagnostics(diagnostics) {
      const length = view.state.doc.length;
      view.dispatch(setDiagnostics(view.state, diagnostics.filter((d) => d.from <= d.to && d.to <= length)));
    },
  };
}
