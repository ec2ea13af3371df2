import { parseExpr, exprToString, tokenize } from './parser-index.ts';
const q = Array(10000).fill('foo{a="b"}').join(' + ');
console.log('len', q.length);
const best = [1e9, 1e9, 1e9];
for (let k = 0; k < 15; k++) {
let t0 = performance.now();
tokenize(q);
let t1 = performance.now();
const e = parseExpr(q);
let t2 = performance.now();
exprToString(e);
let t3 = performance.now();
best[0] = Math.min(best[0], t1-t0); best[1] = Math.min(best[1], t2-t1); best[2] = Math.min(best[2], t3-t2);
}
console.log(best.map(x=>x.toFixed(1)));
