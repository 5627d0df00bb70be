/* Claimdesk dashboard: draws each chart with Chart.js from the numbers the page carries as JSON
 * (#claimdesk-dashboard-data, the same numbers as /api/v1/dashboard/<chart> and the tables).
 * Amounts arrive as decimal strings; they are turned into numbers for drawing only. */
(function () {
  "use strict";

  var COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf"];
  var CLOCK_COLOURS = ["#1f77b4", "#9467bd"];

  function amount(text) {
    return text === null ? null : Number(text);
  }

  function pluck(rows, key) {
    return rows.map(function (row) { return row[key]; });
  }

  function line(label, data, colour) {
    return {label: label, data: data, borderColor: colour, backgroundColor: colour,
            tension: 0, spanGaps: false};  // straight: a curve would invent values
  }

  function bars(label, data, colour) {
    return {label: label, data: data, backgroundColor: colour};
  }

  var BUILDERS = {
    open_claims: function (d) {
      return {type: "doughnut", data: {
        labels: pluck(d.statuses, "label"),
        datasets: [{label: "Claims", data: pluck(d.statuses, "count"),
                    backgroundColor: COLOURS.slice(0, d.statuses.length)}]}};
    },
    monthly: function (d) {
      return {type: "line", data: {labels: pluck(d.months, "label"), datasets: [
        line("Submitted", pluck(d.months, "submitted"), COLOURS[0]),
        line("Decided", pluck(d.months, "decided"), COLOURS[2])]},
        options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}};
    },
    sla: function (d) {
      var states = ["on_track", "at_risk", "breached", "no_clock"];
      function counts(clock) {
        return states.map(function (state) { return clock[state]; });
      }
      return {type: "bar", data: {labels: ["On track", "At risk", "Breached", "No SLA clock"],
        datasets: [bars("Decision", counts(d.decision), CLOCK_COLOURS[0]),
                   bars("Payment", counts(d.payment), CLOCK_COLOURS[1])]},
        options: {scales: {x: {stacked: true},
                           y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}};
    },
    decision_time: function (d) {
      return {type: "line", data: {labels: pluck(d.months, "label"), datasets: [
        line("Median days to decision", pluck(d.months, "median_days"), COLOURS[1])]},
        options: {scales: {y: {beginAtZero: true}}}};
    },
    categories: function (d) {
      return {type: "bar", data: {labels: pluck(d.categories, "name"), datasets: [
        bars("Approved", d.categories.map(function (r) { return amount(r.approved); }),
             COLOURS[0]),
        bars("Limit \u00d7 persons", d.categories.map(function (r) {
          return amount(r.limit_total);
        }), "#cccccc")]},
        options: {scales: {y: {beginAtZero: true}}}};
    },
    top_claimants: function (d) {
      return {type: "bar", data: {
        labels: d.members.map(function (r) { return r.member_number + " " + r.name; }),
        datasets: [bars("Approved", d.members.map(function (r) { return amount(r.approved); }),
                        COLOURS[4])]},
        options: {indexAxis: "y", plugins: {legend: {display: false}},
                  scales: {x: {beginAtZero: true}}}};
    },
    reviewers: function (d) {
      var rows = d.reviewers;
      return {type: "bar", data: {labels: pluck(rows, "name"), datasets: [
        bars("Open assigned", pluck(rows, "open_assigned"), COLOURS[0]),
        bars("Decided", pluck(rows, "decided"), COLOURS[2]),
        bars("SLA breaches", pluck(rows, "breaches"), COLOURS[3]),
        bars("Appeals overturned", pluck(rows, "appeals_overturned"), COLOURS[4])]},
        options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}};
    }
  };

  function draw() {
    var source = document.getElementById("claimdesk-dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      // no Chart.js: the tables give every number, so show them
      document.querySelectorAll("details.claimdesk-chart-table").forEach(function (table) {
        table.open = true;
      });
      return;
    }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      var config = BUILDERS[name](charts[name]);
      config.options = Object.assign({responsive: true, maintainAspectRatio: false},
                                     config.options || {});
      canvas.chart = new window.Chart(canvas, config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
