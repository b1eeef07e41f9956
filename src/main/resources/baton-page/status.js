// The status page: draws GET /jobs and GET /baton/state, and polls them every few seconds.
// Every text that comes from a Lease (job ids, replica names, errors, tokens) is set as text, never as markup:
// anyone allowed to annotate a Lease could otherwise put script into the page.
'use strict';

(function () {
  const BASE = document.body.dataset.base || '/';
  const POLL_MS = 3000;
  const WINDOW_MS = 60 * 60 * 1000;
  // The picture's spans: the hour, and closer looks for jobs that run every few seconds. Tick every, unit.
  const SPANS = {
    3600000: { title: 'Last hour', tick: 600000, unit: 60000, name: 'min' },
    600000: { title: 'Last 10 minutes', tick: 120000, unit: 60000, name: 'min' },
    60000: { title: 'Last minute', tick: 10000, unit: 1000, name: 's' },
  };
  // Runs per job: /jobs carries each job's history (its last runs as the Lease keeps them, newest first), its
  // last record (lastRun: a run still going, the error of a failure) and its last run request (lastRequest: a
  // requested run from its claim on). The picture of the hour is those plus what this page saw while open: a job
  // that runs every few seconds has more runs in an hour than its history keeps.
  const KEEP_RUNS = 2000;
  const SVG = 'http://www.w3.org/2000/svg';
  const OUTCOMES = ['succeeded', 'failed', 'interrupted', 'timed_out', 'running', 'refused'];
  const SUSPEND_ALL = 'baton.dev/suspend';

  const runsByJob = new Map();   // job id -> Map(run key -> run)
  const letters = new Map();     // replica identity -> letter, stable while the page is open
  const controlCells = new Map(); // job id -> {signature, cell}: kept while unchanged, so a click is never lost
  let skewMs = 0;                // the serving replica's clock minus this browser's
  let timer = null;
  let last = null;               // {state, jobs} of the last successful poll
  let spanMs = WINDOW_MS;        // what the picture shows

  // ------------------------------------------------------------------ DOM helpers

  function build(doc, tag, attrs, children) {
    const node = doc(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  const el = (tag, attrs, ...children) => build(t => document.createElement(t), tag, attrs, children);
  const svg = (tag, attrs, ...children) => build(t => document.createElementNS(SVG, t), tag, attrs, children);

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function setStatus(kind, text) {
    const node = document.getElementById('status');
    node.className = kind;
    node.textContent = text;
  }

  // ------------------------------------------------------------------ time

  const now = () => Date.now() + skewMs;
  const at = run => Date.parse(run.finishedAt || run.slot);

  function span(ms) {
    const s = Math.round(Math.abs(ms) / 1000);
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${m % 60} min`;
    return `${Math.floor(h / 24)} d`;
  }

  function relative(iso) {
    const dt = Date.parse(iso) - now();
    if (Math.abs(dt) < 1000) return 'now';
    return dt < 0 ? `${span(dt)} ago` : `in ${span(dt)}`;
  }

  function timeEl(iso) {
    return iso ? el('time', { datetime: iso, title: iso }, relative(iso)) : el('span', { class: 'muted' }, '—');
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return null;
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    return span(ms);
  }

  // ------------------------------------------------------------------ runs

  function outcomeClass(outcome) {
    const o = String(outcome || '').toLowerCase();
    return 'o-' + (OUTCOMES.includes(o) ? o : 'other');
  }

  const trigger = run => run.trigger || (run.catchUp ? 'catch-up' : 'schedule');
  const runKey = run => `${run.slot}|${run.attempt || 1}|${run.request || ''}`;

  function letterFor(replica) {
    if (!letters.has(replica)) {
      const n = letters.size;
      letters.set(replica, String.fromCharCode(65 + (n % 26)) + (n >= 26 ? String(Math.floor(n / 26) + 1) : ''));
    }
    return letters.get(replica);
  }

  // A RUNNING record is replaced by the same run's outcome; otherwise the later write wins.
  function supersedes(a, b) {
    const aRunning = a.outcome === 'RUNNING';
    const bRunning = b.outcome === 'RUNNING';
    if (aRunning !== bRunning) return bRunning;
    return at(a) >= at(b);
  }

  function remember(job) {
    let runs = runsByJob.get(job.id);
    if (!runs) {
      runs = new Map();
      runsByJob.set(job.id, runs);
    }
    const incoming = (Array.isArray(job.history) ? job.history : [])
      .concat(job.lastRun ? [job.lastRun] : [], job.lastRequest ? [job.lastRequest] : []);
    for (const run of incoming) {
      if (!run || !run.slot || Number.isNaN(at(run))) continue;
      const key = runKey(run);
      const old = runs.get(key);
      if (!old || supersedes(run, old)) runs.set(key, run);
    }
    const cutoff = now() - WINDOW_MS;
    [...runs.entries()].sort((a, b) => at(b[1]) - at(a[1])).forEach(([key, run], i) => {
      if (i >= KEEP_RUNS || (i >= 10 && at(run) < cutoff)) runs.delete(key);
    });
  }

  function knownRuns(job) {
    return [...(runsByJob.get(job.id) || new Map()).values()].sort((a, b) => at(b) - at(a));
  }

  // The newest runs: the history, a run still going (a RUNNING record or a claimed request), with the error of a
  // failure where the last record still has it (history entries keep none).
  function lastRuns(job) {
    return knownRuns(job).slice(0, 5);
  }

  function describeRun(job, run) {
    return [
      `${job.id}: ${run.outcome}`,
      `replica ${run.replica} (${letterFor(run.replica)}), epoch ${run.epoch}`,
      `slot ${run.slot}`,
      // UNKNOWN: a RUNNING record whose term ended before its final record was written; it says when it began.
      run.finishedAt ? `${['RUNNING', 'UNKNOWN'].includes(run.outcome) ? 'started' : 'finished'} ${run.finishedAt}` : null,
      duration(run.durationMs) ? `took ${duration(run.durationMs)}` : null,
      `trigger ${trigger(run)}${run.request ? ` (request ${run.request})` : ''}`,
      run.attempt > 1 ? `attempt ${run.attempt}` : null,
      run.error ? `error: ${run.error}` : null,
    ].filter(Boolean).join('\n');
  }

  // ------------------------------------------------------------------ controls (annotations on the job's Lease)

  // The exact keys, as the scheduler computes them (a long id has a short form): /jobs gives them, nothing here
  // guesses them.
  const suspendKey = job => (job.controls && job.controls.suspend) || null;
  const runRequestKey = job => (job.controls && job.controls.run) || null;
  const isTrue = value => typeof value === 'string' && value.trim().toLowerCase() === 'true';

  // Why the job is suspended (the annotation that does it), or null: /jobs decides it from the Lease as the
  // scheduler does.
  function suspension(job, lease) {
    if (!job.suspended) return null;
    const by = job.suspendedBy || 'suspended';
    return by === SUSPEND_ALL && lease ? `${SUSPEND_ALL} (every job of Lease ${lease.name})` : by;
  }

  // The token of a run request on the Lease that the holder has not taken up yet. The annotation stays after its
  // run: the holder answers a token in the job's run status (lastRequest: claimed RUNNING, then the outcome, or
  // REFUSED) and its history, and never removes or rewrites the operator's annotation.
  function pendingRequest(job, lease) {
    const key = runRequestKey(job);
    const token = lease && lease.controls && key ? lease.controls[key] : null;
    if (!token) return null;
    const answered = (job.lastRequest && job.lastRequest.request === token)
      || (Array.isArray(job.history) ? job.history : []).concat(knownRuns(job)).some(run => run.request === token);
    return answered ? null : token;
  }

  // The dev endpoint writes the job's own key; JSON, so that no other web site can post it without a preflight.
  async function control(job, action) {
    setStatus('', `${action} ${job.id}…`);
    try {
      const response = await fetch(`${BASE}baton/dev/jobs/${encodeURIComponent(job.id)}/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        setStatus('error', `${action} ${job.id}: ${body.error || `HTTP ${response.status}`}`);
      } else if (body.value === null || body.value === undefined) {
        setStatus('ok', `Removed ${body.key} from Lease ${body.lease}`);
      } else {
        setStatus('ok', `Wrote ${body.key}=${body.value} on Lease ${body.lease}`);
      }
    } catch (e) {
      setStatus('error', `${action} ${job.id}: ${e.message}`);
    }
    refreshSoon(0);
  }

  function controlsCell(job, lease, suspendedBy) {
    const own = suspendKey(job);
    const ownSet = !!(lease && lease.controls && own && isTrue(lease.controls[own]));
    const singleton = job.kind === 'singleton';
    const signature = JSON.stringify([singleton, !!suspendedBy, ownSet, own, runRequestKey(job)]);
    const kept = controlCells.get(job.id);
    if (kept && kept.signature === signature) return kept.cell;

    let cell;
    if (!singleton) {
      cell = el('td', { class: 'controls-col muted' }, '—');
    } else {
      const button = (label, action, attrs) => {
        const b = el('button', Object.assign({ type: 'button', 'data-action': action }, attrs || {}), label);
        b.addEventListener('click', () => control(job, action));
        return b;
      };
      const toggle = ownSet ? button('Resume', 'resume')
        : suspendedBy ? button('Resume', 'resume', { disabled: true, title: `Suspended by ${suspendedBy}` })
          : button('Suspend', 'suspend');
      cell = el('td', { class: 'controls-col' }, toggle, button('Run now', 'run'));
    }
    controlCells.set(job.id, { signature, cell });
    return cell;
  }

  // ------------------------------------------------------------------ drawing

  function drawHeader(state) {
    document.body.classList.toggle('dev', state.devControls);
    setText('served', `Served by ${state.replica} · clock offset ${state.clockOffset} · ${state.store} · `
      + `updated ${new Date().toLocaleTimeString()}`);
    const mode = document.getElementById('mode');
    mode.className = state.devControls ? 'dev' : '';
    setText('mode', state.devControls
      ? 'Dev mode: the buttons write the control annotations on the embedded store\'s Leases.'
      : 'Read-only. Suspend, resume and run now are annotations on the job\'s Lease, written with kubectl: '
        + 'the cluster\'s RBAC decides who may.');
    setText('howto', state.devControls
      ? 'In a cluster the same controls are these kubectl lines (this dev build writes them for you):'
      : 'Each control is one kubectl line on the job\'s Lease (an operator needs patch on that Lease):');
  }

  function drawLeases(state) {
    const rows = state.leases.map(lease => {
      const controls = Object.entries(lease.controls || {});
      return el('tr', { 'data-lease': lease.lease },
        el('td', {}, lease.name, lease.serviceWide ? el('div', { class: 'sub' }, 'service-wide') : null,
          el('div', { class: 'sub' }, lease.lease)),
        el('td', {},
          lease.holder ? lease.holder : el('span', { class: 'muted' }, 'none'),
          lease.heldHere ? [' ', el('span', { class: 'badge here' }, 'this replica')] : null,
          lease.holder ? el('div', { class: 'sub' }, `replica ${letterFor(lease.holder)}`) : null),
        el('td', {}, lease.epoch === null || lease.epoch === undefined ? '—' : String(lease.epoch)),
        el('td', {}, timeEl(lease.since)),
        el('td', {}, timeEl(lease.renewed),
          lease.durationSeconds ? el('div', { class: 'sub' }, `lease ${lease.durationSeconds} s`) : null),
        el('td', {}, lease.updates, lease.error ? el('div', {}, el('span', { class: 'badge error' }, lease.error)) : null),
        el('td', {}, controls.length === 0 ? el('span', { class: 'muted' }, 'none')
          : controls.map(([k, v]) => el('div', {}, el('code', {}, `${k}=${v}`)))));
    });
    document.querySelector('#leases tbody').replaceChildren(...rows);
  }

  function drawJobs(state, jobs, leaseOf) {
    const tbody = document.querySelector('#jobs tbody');
    const rows = jobs.map(job => {
      const lease = leaseOf(job);
      const suspendedBy = suspension(job, lease);
      const request = pendingRequest(job, lease);
      let stateCell;
      if (suspendedBy) {
        stateCell = [el('span', { class: 'badge suspended', title: `by ${suspendedBy}` }, 'suspended'),
          el('div', { class: 'sub' }, `by ${suspendedBy}`)];
      } else if (job.kind === 'per-replica') {
        stateCell = el('span', { class: 'badge' }, 'every replica');
      } else if (job.runsHere) {
        stateCell = el('span', { class: 'badge here' }, 'runs here');
      } else {
        stateCell = el('span', { class: 'muted' }, job.notHereBecause || 'not here');
      }
      const runs = lastRuns(job);
      return el('tr', { 'data-job': job.id, class: suspendedBy ? 'suspended' : null },
        el('td', {}, el('strong', {}, job.id), job.method ? el('div', { class: 'sub' }, job.method) : null,
          el('div', { class: 'sub' }, job.kind)),
        el('td', {}, job.schedule, job.nextFireTime ? el('div', { class: 'sub' }, 'next ', timeEl(job.nextFireTime)) : null),
        el('td', {}, job.lease ? [el('div', {}, job.lease.split('/').pop()),
          el('div', { class: 'sub' }, job.holder ? `held by ${job.holder}` : 'no holder')]
          : el('span', { class: 'muted' }, 'no Lease')),
        el('td', {}, stateCell,
          request ? el('div', {}, el('span', { class: 'badge request', title: runRequestKey(job) }, `run requested: ${request}`)) : null),
        el('td', {}, runs.length === 0 ? el('span', { class: 'muted' }, job.kind === 'per-replica' ? '—' : 'none yet')
          : el('ol', { class: 'runs' }, runs.map(run => el('li', { title: describeRun(job, run) },
            el('span', { class: `badge outcome ${outcomeClass(run.outcome)}` }, run.outcome), ' ',
            el('span', { class: 'letter' }, letterFor(run.replica)), ` ${run.replica} · epoch ${run.epoch}`,
            duration(run.durationMs) ? ` · ${duration(run.durationMs)}` : '',
            ` · ${trigger(run)}`, run.request ? ` ${run.request}` : '',
            run.attempt > 1 ? ` · attempt ${run.attempt}` : '',
            ' · ', timeEl(run.finishedAt || run.slot))))),
        controlsCell(job, lease, suspendedBy));
    });
    tbody.replaceChildren(...rows);
  }

  function drawTimeline(state, jobs, leaseOf) {
    const box = document.getElementById('timeline');
    const rows = jobs.filter(job => job.kind !== 'per-replica');
    const width = Math.max(box.clientWidth || 0, 640);
    const labelW = 190;
    const right = 12;
    const rowH = 30;
    const top = 22;
    const height = top + rows.length * rowH + 6;
    const span = SPANS[spanMs];
    const t1 = now();
    const t0 = t1 - spanMs;
    const x = t => labelW + ((t - t0) / spanMs) * (width - labelW - right);
    setText('h-timeline', span.title);
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Runs of the ${span.title.toLowerCase()}, one row per job, each a mark coloured by outcome` });
    for (let back = spanMs; back >= 0; back -= span.tick) {
      const tx = x(t1 - back);
      const anchor = back === 0 ? 'end' : back === spanMs ? 'start' : 'middle';
      root.append(svg('line', { class: 'tick', x1: tx, x2: tx, y1: top - 4, y2: height - 4 }),
        svg('text', { class: 'tick-label', x: tx, y: 12, 'text-anchor': anchor },
          back === 0 ? 'now' : `−${back / span.unit} ${span.name}`));
    }
    rows.forEach((job, i) => {
      const y = top + i * rowH;
      const suspendedBy = suspension(job, leaseOf(job));
      const label = job.id.length > 26 ? `${job.id.slice(0, 25)}…` : job.id;
      // A suspended job says so under its name, clear of the marks.
      const g = svg('g', { class: suspendedBy ? 'row suspended' : 'row', 'data-job': job.id },
        svg('text', { class: 'row-label', x: 2, y: suspendedBy ? y + 13 : y + rowH / 2 + 4 },
          svg('title', {}, job.id), label),
        svg('line', { class: 'baseline', x1: labelW, x2: width - right, y1: y + rowH / 2, y2: y + rowH / 2 }));
      if (suspendedBy) {
        g.append(svg('text', { class: 'row-note', x: 2, y: y + 26 }, svg('title', {}, `suspended by ${suspendedBy}`),
          'suspended'));
      }
      let lastLabel = -Infinity;
      knownRuns(job).filter(run => at(run) >= t0).reverse().forEach(run => {
        const mx = x(at(run));
        g.append(svg('rect', { class: `mark ${outcomeClass(run.outcome)}`, x: (mx - 1.5).toFixed(1), y: y + 9,
          width: 3, height: rowH - 14, rx: 1, 'data-replica': run.replica }, svg('title', {}, describeRun(job, run))));
        if (mx - lastLabel >= 14) {
          g.append(svg('text', { class: 'mark-label', x: mx.toFixed(1), y: y + 8, 'text-anchor': 'middle' },
            letterFor(run.replica)));
          lastLabel = mx;
        }
      });
      root.append(g);
    });
    box.replaceChildren(root);

    const legend = OUTCOMES.map(o => el('span', {}, el('span', { class: `swatch o-${o}` }), o.replace('_', ' ')))
      .concat([...letters.entries()].map(([replica, letter]) => el('span', { class: 'replica' },
        el('span', { class: 'letter' }, letter), ` ${replica}`, replica === state.replica ? ' (serves this page)' : '')));
    document.getElementById('legend').replaceChildren(...legend);
  }

  function drawKubectl(jobs, leaseOf) {
    const lines = [];
    for (const job of jobs.filter(j => j.kind === 'singleton' && j.lease)) {
      const lease = leaseOf(job);
      const [namespace, name] = job.lease.split('/');
      const target = `lease -n ${namespace} ${name}`;
      const suspend = suspendKey(job);
      const run = runRequestKey(job);
      lines.push(`# ${job.id}${lease ? '' : ' (Lease not seen yet)'}`);
      if (suspend) {
        lines.push(`kubectl annotate --overwrite ${target} ${suspend}=true    # suspend`,
          `kubectl annotate ${target} ${suspend}-    # resume`);
      }
      if (run) {
        lines.push(`kubectl annotate --overwrite ${target} ${run}=$(date +%s)    # run now, once per token`);
      }
    }
    setText('kubectl-lines', lines.join('\n') || 'No singleton job is scheduled.');
  }

  function draw(state, allJobs) {
    const leases = new Map(state.leases.map(lease => [lease.lease, lease]));
    const leaseOf = job => (job.lease ? leases.get(job.lease) : null) || null;
    // "off" jobs are never fired here: named once, kept out of the tables and the picture.
    const jobs = allJobs.filter(job => job.schedule !== 'off');
    const off = allJobs.filter(job => job.schedule === 'off').map(job => job.id);
    jobs.forEach(remember);
    for (const id of controlCells.keys()) {
      if (!jobs.some(job => job.id === id)) controlCells.delete(id);
    }
    drawHeader(state);
    drawLeases(state);
    drawJobs(state, jobs, leaseOf);
    drawTimeline(state, jobs, leaseOf);
    drawKubectl(jobs, leaseOf);
    setText('unscheduled', off.length === 0 ? '' : `Declared with schedule off (never fired): ${off.join(', ')}`);
    document.getElementById('no-jobs').hidden = allJobs.length > 0;
  }

  // ------------------------------------------------------------------ polling

  async function getJson(path) {
    const response = await fetch(BASE + path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  async function poll() {
    timer = null;
    try {
      const sent = Date.now();
      const [state, jobs] = await Promise.all([getJson('baton/state'), getJson('jobs')]);
      // The replica's clock at the middle of the round trip: times on the page are the cluster's, not the browser's.
      skewMs = Date.parse(state.now) - (sent + Date.now()) / 2;
      last = { state, jobs };
      draw(state, jobs);
      if (document.getElementById('status').className === 'error') setStatus('', '');
    } catch (e) {
      setStatus('error', `Could not refresh (${e.message}); showing what was last seen, retrying`);
    } finally {
      refreshSoon(POLL_MS);
    }
  }

  function refreshSoon(ms) {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function redrawTimeline() {
    if (last) drawTimeline(last.state, last.jobs.filter(job => job.schedule !== 'off'), job => last.state.leases
      .find(lease => lease.lease === job.lease) || null);
  }

  window.addEventListener('resize', redrawTimeline);
  for (const button of document.querySelectorAll('#range button')) {
    button.addEventListener('click', () => {
      spanMs = Number(button.dataset.span);
      for (const other of document.querySelectorAll('#range button')) {
        other.setAttribute('aria-pressed', String(other === button));
      }
      redrawTimeline();
    });
  }

  poll();
})();
