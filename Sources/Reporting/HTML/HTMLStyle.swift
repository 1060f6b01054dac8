/// The report's stylesheet, inlined in `report.html`: system fonts only (no downloads), print
/// rules, and the classes the SVG chart kit uses (`ttl`, `tick`, `grid`, `ln`, `mk`…).
enum HTMLStyle {
    static let css = """
    :root{--bg:#f5f6f8;--card:#fff;--line:#e2e5ea;--ink:#1c2330;--mute:#5d6675;--pass:#007a5a;--passbg:#e3f4ec;\
    --fail:#c23b00;--failbg:#fde9df;--warn:#8a5a00;--warnbg:#fff4d6;--accent:#0072b2}
    *{box-sizing:border-box}
    html{background:var(--bg)}
    body{margin:0;color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    main{max-width:1280px;margin:0 auto;padding:24px 20px 48px}
    code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:12.5px}
    a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
    h1{font-size:26px;margin:2px 0 4px;letter-spacing:-.01em}
    h2{font-size:18px;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
    h3{font-size:14px;margin:14px 0 6px}
    .eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;color:var(--mute);font-weight:600}
    .desc{color:var(--mute);margin:0;max-width:860px}
    header.top{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;background:var(--card);\
    border:1px solid var(--line);border-radius:10px;padding:20px 24px}
    .verdict{font-weight:800;font-size:22px;letter-spacing:.06em;padding:10px 22px;border-radius:8px;white-space:nowrap;border:2px solid}
    .verdict.pass{color:var(--pass);background:var(--passbg);border-color:var(--pass)}
    .verdict.fail{color:var(--fail);background:var(--failbg);border-color:var(--fail)}
    .verdict.incomplete{color:var(--warn);background:var(--warnbg);border-color:#d39b00}
    .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:14px 0 0}
    .fact{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:9px 12px}
    .fact .k{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--mute)}
    .fact .v{font-size:16px;font-weight:600;overflow-wrap:anywhere}
    .fact .v.mono{font-size:14px;padding-top:2px}
    .fact .v.good{color:var(--pass)}.fact .v.bad{color:var(--fail)}
    .rerun{margin-top:10px;background:#1f2633;color:#e8edf5;border-radius:8px;padding:10px 14px;display:flex;gap:12px;align-items:baseline}
    .rerun .k{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#9fb0c8;white-space:nowrap}
    .rerun code{color:#e8edf5;overflow-wrap:anywhere}
    .banner{margin:14px 0 0;padding:12px 16px;border-radius:8px;border:1px solid}
    .banner.warn{background:var(--warnbg);border-color:#e3b341;color:#5c3d00}
    .banner.bad{background:var(--failbg);border-color:#f0a27a;color:#7a2500}
    nav.toc{margin:16px 0 4px;display:flex;flex-wrap:wrap;gap:6px}
    nav.toc a{background:var(--card);border:1px solid var(--line);border-radius:999px;padding:3px 11px;font-size:12.5px;color:var(--ink)}
    section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin-top:18px}
    section .intro{color:var(--mute);margin:-4px 0 12px;font-size:13px}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px}
    figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px 8px 4px;background:#fff}
    figure.wide{grid-column:1/-1}
    figcaption{font-size:12px;color:var(--mute);padding:2px 4px 4px}
    svg.chart{width:100%;height:auto;display:block}
    .chart text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
    .chart .ttl{font-size:13.5px;font-weight:650;fill:#1c2330}
    .chart .tick,.chart .axt{font-size:11px;fill:#5d6675}
    .chart .leg{font-size:11.5px;fill:#2b3240}
    .chart .val{font-size:11px;fill:#2b3240}
    .chart .note{font-size:10px;fill:#8a929c}
    .chart .plot{fill:#fff}
    .chart .grid{stroke:#eceef1;stroke-width:1}
    .chart .axis{stroke:#a3abb6;stroke-width:1}
    .chart .ln{fill:none;stroke-linejoin:round;stroke-linecap:round}
    .chart .area{stroke:#fff;stroke-width:.5}
    .chart .warm{fill:#eef0f3;opacity:.75}
    .chart .mkl{stroke:#5b3a8c;stroke-width:1.1;stroke-dasharray:4 3}
    .chart .mkt{font-size:10.5px;fill:#4b2a78;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
    table{border-collapse:collapse;width:100%;font-size:13px}
    th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--mute);background:#fafbfc;position:sticky;top:0}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    tr.pass td:first-child{box-shadow:inset 4px 0 var(--pass)}
    tr.fail td:first-child{box-shadow:inset 4px 0 var(--fail)}
    tr.fail{background:#fff6f2}
    tbody tr:hover{background:#f7f9fc}
    .badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.05em;border-radius:4px;padding:1px 7px}
    .badge.pass{background:var(--passbg);color:var(--pass)}.badge.fail{background:var(--failbg);color:var(--fail)}
    .badge.real{background:#e0efff;color:#0a4f8a}.badge.modelled{background:#efe9f7;color:#5b3a8c}
    .badge.calibrated{background:#fff1d6;color:#7a5200}
    .ok{color:var(--pass);font-weight:700}.bad{color:var(--fail);font-weight:700}
    .muted{color:var(--mute)}
    .scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:6px}
    details{margin-top:8px}summary{cursor:pointer;color:var(--accent);font-weight:600}
    pre.scenario{background:#f7f8fa;border:1px solid var(--line);border-radius:6px;padding:12px;overflow:auto;max-height:600px}
    footer{color:var(--mute);font-size:12px;text-align:center;margin-top:28px}
    @media print{html{background:#fff}section,figure,header.top{break-inside:avoid}.scroll{max-height:none}nav.toc{display:none}}
    """
}
