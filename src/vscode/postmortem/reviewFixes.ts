// Quick fixes for the review gate's findings on an open post-mortem: put a missing section back,
// write a section (the answer is asked for, never made up), add a number to the impact, name
// the contributing factors behind a "human error", fill an action item's owner and due date.
// The two commands also take an argument object (uri, and the text or cells), for tests and
// other extensions.
import * as vscode from 'vscode';
import { postmortemProblems, REQUIRED_SECTIONS, type PostmortemProblem } from '../../postmortem/completeness';
import { PROMPTS, SECTIONS } from '../../postmortem/render';
import { addToSectionEdit, fillRowEdit, insertSectionEdit, type LineEdit } from '../../postmortem/reviewFixes';
import { UserError, type CommandSpec } from '../commandRegistry';
import { isPostmortemUri } from './location';

export const DIAGNOSTIC_SOURCE = 'On-Call post-mortem';
const FILL_SECTION = 'oncall.fillPostmortemSection';
const COMPLETE_ACTION_ITEM = 'oncall.completeActionItem';

const ASK: Partial<Record<PostmortemProblem['code'], (section: string) => { title: string; prompt: string }>> = {
  emptySection: (section) => ({ title: `Write the “${section}” section…`, prompt: promptFor(section) }),
  impactWithoutNumber: () => ({ title: 'Add a number to the impact…', prompt: 'How many users, requests, orders or minutes were affected? (a sentence with a number)' }),
  humanErrorOnly: () => ({
    title: 'Name what made the mistake possible…',
    prompt: 'What in the systems, tools or process made the mistake possible, or its effect so large? (a contributing factor)',
  }),
};

function promptFor(section: string): string {
  const key = (Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).find((k) => SECTIONS[k] === section);
  return key ? PROMPTS[key] : `Your text for “${section}”`;
}

function toWorkspaceEdit(doc: vscode.TextDocument, edit: LineEdit): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const text = edit.text.replace(/\n/g, eol);
  if (edit.replace) we.replace(doc.uri, doc.lineAt(edit.line).range, text);
  else we.insert(doc.uri, new vscode.Position(Math.min(edit.line, doc.lineCount), 0), text);
  return we;
}

/** The code actions for the findings on these lines. */
export class ReviewFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!isPostmortemUri(doc.uri)) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const problems = postmortemProblems(doc.getText(), new Date());
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const problem = problems.find((p) => p.code === diagnostic.code && p.line === diagnostic.range.start.line);
      const action = problem && this.fix(doc, problem);
      if (!action) continue;
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  private fix(doc: vscode.TextDocument, p: PostmortemProblem): vscode.CodeAction | undefined {
    const uri = doc.uri.toString();
    if (p.code === 'missingSection' && p.section) {
      const action = new vscode.CodeAction(`Add the “${p.section}” section`, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(doc, insertSectionEdit(doc.getText(), p.section));
      return action;
    }
    if (p.code === 'actionItemsIncomplete') {
      const action = new vscode.CodeAction('Fill in the owner and due date…', vscode.CodeActionKind.QuickFix);
      action.command = { command: COMPLETE_ACTION_ITEM, title: action.title, arguments: [{ target: { uri, line: p.line } }] };
      return action;
    }
    const ask = ASK[p.code];
    if (ask && p.section) {
      const { title } = ask(p.section);
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.command = { command: FILL_SECTION, title, arguments: [{ target: { uri, section: p.section, code: p.code } }] };
      return action;
    }
    return undefined;
  }
}

interface FixTarget {
  uri?: unknown;
  section?: unknown;
  code?: unknown;
  line?: unknown;
}

/** The fields of a call: an argument object from code, or `{ target }` from a quick fix. */
function fields(arg: Record<string, unknown> | undefined): FixTarget & Record<string, unknown> {
  const target = arg?.target;
  return target && typeof target === 'object' && !(target instanceof vscode.Uri) ? { ...(target as object), ...arg } : { ...arg };
}

async function documentOf(uri: unknown): Promise<vscode.TextDocument> {
  const parsed = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!parsed || !isPostmortemUri(parsed)) throw new UserError('Open a post-mortem (in the post-mortem folder) first.');
  return vscode.workspace.openTextDocument(parsed);
}

async function apply(doc: vscode.TextDocument, edit: LineEdit): Promise<void> {
  if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(doc, edit)))) throw new UserError('The editor refused the edit.');
}

export function reviewFixCommands(): CommandSpec[] {
  return [
    {
      id: FILL_SECTION,
      run: async (arg, ctx) => {
        const f = fields(arg);
        const section = typeof f.section === 'string' ? f.section : undefined;
        const required = REQUIRED_SECTIONS.find((r) => r.name === section);
        if (!section || !required) throw new UserError('Say which section: `{ uri, section, text }`.');
        const doc = await documentOf(f.uri);
        let text = typeof f.text === 'string' ? f.text : undefined;
        if (text === undefined) {
          if (ctx.fromCode) throw new UserError('`text` is needed when called from code.');
          const ask = (ASK[f.code as PostmortemProblem['code']] ?? ASK.emptySection!)(section);
          text = await vscode.window.showInputBox({ title: ask.title.replace(/…$/, ''), prompt: ask.prompt, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Write something, or press Escape.') });
          if (!text?.trim()) return undefined;
        }
        const edit = addToSectionEdit(doc.getText(), required.heading, text);
        if (!edit) throw new UserError(`The “${section}” heading is not in ${vscode.workspace.asRelativePath(doc.uri)}.`);
        await apply(doc, edit);
        return edit.line;
      },
    },
    {
      id: COMPLETE_ACTION_ITEM,
      run: async (arg, ctx) => {
        const f = fields(arg);
        const doc = await documentOf(f.uri);
        const line = typeof f.line === 'number' ? f.line : -1;
        const problem = postmortemProblems(doc.getText(), new Date()).find((p) => p.code === 'actionItemsIncomplete' && p.line === line);
        if (!problem) throw new UserError(`Line ${line + 1} is not an action item that needs filling in.`);
        const values: Record<string, string> = {};
        for (const column of problem.missingColumns ?? []) {
          const name = column.replace(/ \(YYYY-MM-DD\)$/, '');
          const given = f[name];
          if (typeof given === 'string') {
            values[name] = given;
            continue;
          }
          if (ctx.fromCode) throw new UserError(`\`${name}\` is needed for this action item.`);
          const isDate = name !== column;
          const value = await vscode.window.showInputBox({
            title: `${problem.message.replace(/ still needs:.*$/, '')}: ${name}`,
            prompt: isDate ? 'Due date, YYYY-MM-DD' : name === 'owner' ? 'Who owns it (a person, not a team or "TBD")' : `Value for “${name}”`,
            ignoreFocusOut: true,
            validateInput: (v) => (!v.trim() ? 'A value is needed.' : isDate && !/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? 'Write the date as YYYY-MM-DD.' : undefined),
          });
          if (value === undefined) return undefined;
          values[name] = value.trim();
        }
        const edit = fillRowEdit(doc.getText(), line, values);
        if (!edit) throw new UserError(`Line ${line + 1} is not a table row.`);
        await apply(doc, edit);
        return edit.text;
      },
    },
  ];
}
