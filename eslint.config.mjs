// Layer rules: the pure core, the protocol, the CLI and the webview never import `vscode`;
// the webview never imports Node built-ins. Adapters live in src/vscode/ and src/extension.ts.
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Keep `vscode` in the adapters (src/vscode/, src/extension.ts): this layer is pure.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'dist-vsix/**', 'node_modules/**', '.cache/**', 'test-output/**', 'bench/out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: [
      'src/runbooks/**/*.ts',
      'src/shell/**/*.ts',
      'src/incidents/**/*.ts',
      'src/postmortem/**/*.ts',
      'src/git/**/*.ts',
      'src/protocol/**/*.ts',
      'src/cli/**/*.ts',
      'src/fsErrors.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'Webview code runs in a browser.' }],
        },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Render user text with textContent, never as HTML.' },
        { property: 'outerHTML', message: 'Render user text with textContent, never as HTML.' },
      ],
    },
  },
  {
    // Every git call goes through the one sanitised runner (src/git/run.ts): no other file
    // starts processes or uses simple-git directly.
    files: ['src/**/*.ts'],
    ignores: ['src/git/run.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['child_process', 'node:child_process', 'simple-git'].map((name) => ({
            name,
            message: 'Run git through runGit (src/git/run.ts): it sanitises the environment and sets a deadline.',
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
