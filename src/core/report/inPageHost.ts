/**
 * The static report's stand-in for the extension host, as plain browser JavaScript inlined
 * into the page before the dashboard bundle. It provides `acquireVsCodeApi()` and answers the
 * same protocol messages (src/protocol.ts) from the data inlined in `#tl-report-data`:
 * tabs from the precomputed presets, drill-downs by filtering the sampled rows.
 */
export const IN_PAGE_HOST_JS = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tl-report-data').textContent);
  var viewState;
  var dayFormats = {};

  function send(message) {
    setTimeout(function () { window.dispatchEvent(new MessageEvent('message', { data: message })); }, 0);
  }

  function dayKey(seconds, zone) {
    var key = zone || '';
    if (!dayFormats[key]) {
      try {
        dayFormats[key] = new Intl.DateTimeFormat('en-CA', { timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' });
      } catch (e) {
        dayFormats[key] = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
      }
    }
    return dayFormats[key].format(new Date(seconds * 1000));
  }

  function drillDown(message) {
    var req = message.request;
    if (req.drillKey) {
      // Claude Code's rows (Usage tab) are not sampled into the report
      send({ type: 'error', requestId: message.requestId, message: 'This report holds no Claude Code rows; open the dashboard in VS Code to list them.' });
      return;
    }
    var sample = data.samples[req.table];
    if (!sample) {
      send({ type: 'rows', requestId: message.requestId, label: message.label, sampled: true,
        result: { table: req.table, columns: [], rows: [], total: 0, limit: 0, offset: 0 } });
      return;
    }
    var range = req.range || {};
    var filters = req.filters || {};
    var rows = sample.rows.filter(function (row) {
      var t = row.values[sample.timeColumn];
      if (typeof t === 'number') {
        if (typeof range.from === 'number' && t < range.from) return false;
        if (typeof range.to === 'number' && t >= range.to) return false;
        if (req.day && dayKey(t, req.timeZone) !== req.day) return false;
      }
      for (var column in filters) {
        var v = row.values[column];
        if ((v === undefined ? null : v) !== filters[column]) return false;
      }
      return true;
    });
    send({ type: 'rows', requestId: message.requestId, label: message.label, sampled: true,
      result: { table: req.table, columns: sample.columns, rows: rows, total: rows.length, limit: rows.length, offset: 0 } });
  }

  function handle(message) {
    switch (message && message.type) {
      case 'ready':
        send({ type: 'init', protocolVersion: data.protocolVersion, state: data.init });
        break;
      case 'requestData': {
        var byTab = data.payloads[message.range && message.range.preset];
        if (!byTab || !byTab[message.tab]) {
          send({ type: 'error', requestId: message.requestId, message: 'This report holds the ranges 24 hours, 7 days, 30 days and all time.' });
        } else {
          send({ type: 'data', requestId: message.requestId, range: message.range, payload: byTab[message.tab], span: data.span });
        }
        break;
      }
      case 'drillDown':
        drillDown(message);
        break;
      default:
        break; // openSource: a report has no editor to open files in
    }
  }

  window.acquireVsCodeApi = function () {
    return {
      postMessage: handle,
      getState: function () { return viewState; },
      setState: function (s) { viewState = s; },
    };
  };
})();`;
