import { loadRules } from './rule-files.ts';
for (const f of process.argv.slice(2)) { try { loadRules(f); console.log('OK', f); } catch (e) { console.log((e as {issues:string[]}).issues?.join('\n') ?? e); } }
