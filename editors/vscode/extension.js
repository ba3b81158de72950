// The onefront extension: the grammar and the language configuration need
// no code; this file starts the language server, `onefront lsp`, for the
// diagnostics, hover, completion, formatting and the rest. Without the
// server, highlighting still works, and the extension says so once.
//
// Plain CommonJS run as it is: no build step. `tests/activate.js` runs it
// in Node.js with stand-ins for `vscode` and `vscode-languageclient`.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const INSTALL =
    'install onefront (`cargo install --locked --path .` in the onefront repository) ' +
    'or set onefront.server.path to the onefront program';

/** The running client, if any. */
let client;
/** Disposed with the client: its file watcher. */
let clientDisposables = [];
/** The output channel every client writes to, kept across restarts. */
let output;
/** Starts and stops run one after the other, never interleaved. */
let queue = Promise.resolve();

function serialized(step) {
    queue = queue.then(step, step);
    return queue;
}

function isExecutableFile(file) {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/**
 * The program the setting names, as a path: a command name is looked up
 * on PATH, `~/...` is under the home folder, and a relative path with a
 * separator is under the first workspace folder. `found` is undefined when
 * no executable file is there; `where` says where it was looked for.
 */
function findServer(setting) {
    let name = (typeof setting === 'string' ? setting.trim() : '') || 'onefront';
    if (name === '~' || name.startsWith('~/')) {
        name = path.join(os.homedir(), name.slice(1));
    }
    const windows = process.platform === 'win32';
    const hasSeparator = name.includes('/') || (windows && name.includes('\\'));
    let candidates;
    let where;
    if (path.isAbsolute(name)) {
        candidates = [name];
        where = `\`${name}\` is not an executable file`;
    } else if (hasSeparator) {
        const folder = (vscode.workspace.workspaceFolders || []).find(f => f.uri.scheme === 'file');
        candidates = folder ? [path.resolve(folder.uri.fsPath, name)] : [];
        where = folder
            ? `\`${candidates[0]}\` is not an executable file`
            : `\`${name}\` is relative and no folder is open`;
    } else {
        const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
        candidates = dirs.map(dir => path.join(dir, name));
        where = `\`${name}\` is not on PATH`;
    }
    if (windows) {
        const extensions = (process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';').filter(Boolean);
        candidates = candidates.flatMap(c => [c, ...extensions.map(e => c + e)]);
    }
    return { found: candidates.find(isExecutableFile), where };
}

async function stop() {
    const running = client;
    client = undefined;
    if (running) {
        try {
            await running.stop();
        } catch (error) {
            output.appendLine(`onefront: stopping the language server: ${error}`);
        }
    }
    for (const disposable of clientDisposables.splice(0)) {
        disposable.dispose();
    }
}

async function start() {
    const setting = vscode.workspace.getConfiguration('onefront').get('server.path');
    const { found, where } = findServer(setting);
    if (!found) {
        output.appendLine(`onefront: no language server: ${where}`);
        // Not awaited: the message stays until the user closes it, and
        // activation must not wait for that.
        vscode.window
            .showInformationMessage(
                `onefront: no language server (${where}). Highlighting works without it; ` +
                    `for diagnostics, hover, completion and formatting, ${INSTALL}.`,
                'Open Settings'
            )
            .then(choice => {
                if (choice === 'Open Settings') {
                    vscode.commands.executeCommand('workbench.action.openSettings', 'onefront.server.path');
                }
            });
        return;
    }
    output.appendLine(`onefront: starting ${found} lsp`);
    // A file of the folder changed on disk: the server checks the
    // .onefront files of a folder together.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.onefront');
    clientDisposables.push(watcher);
    client = new LanguageClient(
        'onefront', // reads onefront.trace.server
        'onefront language server',
        // No transport: an executable then speaks over standard input and
        // output, and gets no `--stdio` argument.
        { command: found, args: ['lsp'] },
        {
            documentSelector: [
                { scheme: 'file', language: 'onefront' },
                { scheme: 'untitled', language: 'onefront' },
            ],
            synchronize: { fileEvents: watcher },
            outputChannel: output,
        }
    );
    try {
        await client.start();
    } catch (error) {
        // The client has shown the error and logged it in the channel.
        output.appendLine(`onefront: the language server did not start: ${error}`);
    }
}

function restart() {
    return serialized(async () => {
        await stop();
        await start();
    });
}

async function activate(context) {
    output = vscode.window.createOutputChannel('onefront');
    context.subscriptions.push(
        output,
        vscode.commands.registerCommand('onefront.restartServer', restart),
        vscode.workspace.onDidChangeConfiguration(event => {
            if (event.affectsConfiguration('onefront.server.path')) {
                restart();
            }
        })
    );
    await serialized(start);
}

function deactivate() {
    return serialized(stop);
}

module.exports = { activate, deactivate };
