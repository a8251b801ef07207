// Parses PromQL expressions with the Prometheus project's own grammar
// (@prometheus-io/lezer-promql, from npm) for `make deploy-check`.
// stdin: a JSON list of expressions. stdout: a JSON list of
// {"index": i, "at": offset, "near": "..."} for each expression that does not parse.
import { parser } from "@prometheus-io/lezer-promql";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const problems = [];
JSON.parse(input).forEach((expr, index) => {
  let at = null;
  parser.parse(expr).iterate({
    enter(node) {
      if (at === null && node.type.isError) at = node.from;
    },
  });
  if (at !== null) problems.push({ index, at, near: expr.slice(Math.max(0, at - 20), at + 20) });
});
process.stdout.write(JSON.stringify(problems));
