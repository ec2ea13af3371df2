import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef } from 'preact/hooks';

// One completion client for the page, pointed at Osprey's own API (same origin).
let shared: PromQLExtension | undefined;
function promql(): PromQLExtension {
  if (!shared) {
    shared = new PromQLExtension().setComplete({
      remote: { url: location.origin, httpMethod: 'GET', cache: { maxAge: 60_000 } },
      maxMetricsMetadata: 10000,
    });
  }
  return shared;
}

const theme = EditorView.theme({
  '&': { fontSize: '14px', background: 'var(--input-bg)', color: 'var(--fg)' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)', padding: '6px 0', lineHeight: '1.5' },
  '&.cm-focused': { outline: 'none' },
  '.cm-tooltip': { background: 'var(--card-bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { background: 'var(--accent)', color: '#fff' },
  '.cm-completionDetail': { opacity: 0.7, marginLeft: '8px' },
});

interface Props {
  /**
   * The expression set from outside (URL, executed query). It is not echoed back on every keystroke: effects run
   * after paint, so a stale echo would overwrite newer typing and the two would ping-pong forever.
   */
  value: string;
  onChange: (v: string) => void;
  onExecute: (text: string) => void;
}

/** CodeMirror 6 with PromQL highlighting, completion (metric/label names and values via the API) and lint. */
export function PromqlEditor({ value, onChange, onExecute }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const cb = useRef({ onChange, onExecute });
  cb.current = { onChange, onExecute };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          highlightSpecialChars(),
          history(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          placeholder('Expression (press Shift+Enter for newlines)'),
          EditorView.lineWrapping,
          theme,
          promql().asExtension(),
          // Enter runs the query (as in Prometheus); Shift+Enter inserts a newline.
          Prec.highest(
            keymap.of([
              {
                key: 'Enter',
                run: (view) => {
                  cb.current.onExecute(view.state.doc.toString());
                  return true;
                },
              },
              { key: 'Shift-Enter', run: insertNewline },
            ]),
          ),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression', 'data-testid': 'promql-input' }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // Follow external changes (URL navigation, back/forward).
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div class="editor" ref={host} />;
}
