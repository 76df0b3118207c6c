// Draws the charts of a page from the JSON blocks the server wrote beside them.
// A <canvas data-chart="published|sample" data-chart-data="ID"> reads
// <script type="application/json" id="ID">. No inline code: the page's CSP allows 'self' only.
(function () {
  "use strict";

  var PALETTE = ["#0f766e", "#b45309", "#1d4ed8", "#be123c", "#6d28d9", "#15803d",
    "#a16207", "#0369a1", "#9d174d", "#4d7c0f"];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function compactFormat(lang) {
    var format = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", {
      notation: "compact", maximumFractionDigits: 2
    });
    return function (value) { return format.format(value); };
  }

  function draw(canvas, spec, lang, type, title) {
    var existing = window.Chart.getChart(canvas);
    if (existing) { existing.destroy(); }
    var format = compactFormat(lang);
    return new window.Chart(canvas, {
      type: type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: dataset.label,
            data: dataset.data,
            texts: dataset.texts,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: 2,
            pointRadius: 4,
            spanGaps: false,
            maxBarThickness: 64
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: {
            beginAtZero: true,
            title: { display: Boolean(spec.axis), text: spec.axis || "" },
            ticks: { callback: function (value) { return format(value); } }
          }
        },
        plugins: {
          legend: { position: "bottom" },
          title: { display: Boolean(title), text: title || "" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var text = context.dataset.texts[context.dataIndex];
                return context.dataset.label + ": " + (text || format(context.parsed.y));
              }
            }
          }
        }
      }
    });
  }

  function initPublished(canvas, spec) {
    var select = document.getElementById(canvas.dataset.chartSelect);
    function show() {
      var group = spec.groups[select ? Number(select.value) : 0];
      if (group) { draw(canvas, group, spec.lang, "bar", group.title); }
    }
    if (select) { select.addEventListener("change", show); }
    show();
  }

  function init() {
    if (!window.Chart) { return; }
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = readJson(canvas.dataset.chartData);
      if (!spec) { return; }
      if (canvas.dataset.chart === "published") {
        initPublished(canvas, spec);
      } else {
        draw(canvas, spec, spec.lang, "line", canvas.dataset.chartTitle);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
