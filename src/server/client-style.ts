/** The dashboard page's style sheet. */
export const DASHBOARD_STYLE = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3b57;color:#fff;padding:10px 20px;font-size:15px}header a{color:#fff;font-weight:bold;text-decoration:none}
#storage{margin-left:1em;opacity:.8;font-family:monospace}#live{float:right;font-size:13px;opacity:.85}
main{padding:16px 20px;max-width:1500px}h1{font-size:22px;margin:6px 0 12px;word-break:break-all}h2{font-size:17px;margin:18px 0 8px}
table{border-collapse:collapse;background:#fff;font-size:13px}
th,td{border:1px solid #d6d6d6;padding:3px 8px;text-align:left;vertical-align:top}
th.sortable{cursor:pointer;user-select:none;background:#eef2f6}th.sortable:hover{background:#dde6ef}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.reason{white-space:pre-wrap;max-width:420px;color:#8a1c1c;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:14px}.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:10px 14px}
.plots{display:flex;flex-wrap:wrap;gap:14px}
.plot{background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px;overflow:auto;max-width:100%}
.controls{margin:8px 0;display:flex;gap:10px;align-items:center;flex-wrap:wrap;font-size:13px}
.controls input{width:260px}.muted{color:#666;font-size:13px}.error{color:#a00}`;
