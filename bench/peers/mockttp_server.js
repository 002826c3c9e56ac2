// mockttp as a standalone stub server for the bench (mockttp is a library, not a CLI).
//
//   NODE_PATH=bench/.peers/node_modules node bench/peers/mockttp_server.js PORT ANSWER MATCH [--no-record]
//
// ANSWER is the file whose bytes every matching POST /api/v2/client gets back, MATCH a
// JSON object the request body must include (operationName, variables). The answer has an
// explicit Content-Length: without one mockttp sends it chunked.
// Prints "listening PORT" once ready. Commands on stdin, one per line, each answered "ok":
//   delay MS    replace the rule by one that waits MS milliseconds first (0 = no wait)
// EOF on stdin stops the server.
'use strict';

const fs = require('fs');
const readline = require('readline');
const mockttp = require('mockttp');

async function main() {
    const [portArg, answerPath, matchJson, ...flags] = process.argv.slice(2);
    const port = Number(portArg);
    const answer = fs.readFileSync(answerPath);
    const match = JSON.parse(matchJson);
    const server = mockttp.getLocal({ recordTraffic: !flags.includes('--no-record') });

    async function install(delayMs) {
        await server.reset();
        let rule = server.forPost('/api/v2/client').withJsonBodyIncluding(match);
        if (delayMs > 0)
            rule = rule.delay(delayMs);
        await rule.thenReply(200, answer, {
            'Content-Type': 'application/json',
            'Content-Length': String(answer.length),
        });
    }

    await server.start(port);
    await install(0);
    process.stdout.write(`listening ${server.port}\n`);

    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', async (line) => {
        const [cmd, arg] = line.trim().split(/\s+/);
        if (cmd === 'delay') {
            await install(Number(arg) || 0);
            process.stdout.write('ok\n');
        } else {
            process.stdout.write(`error unknown command ${cmd}\n`);
        }
    });
    rl.on('close', async () => {
        await server.stop();
        process.exit(0);
    });
}

main().catch((err) => {
    process.stderr.write(`mockttp_server: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
