// Draws a world map (a choropleth of chartjs-chart-geo) from the JSON block the server wrote
// beside it: <canvas data-worldmap="ID"> reads <script type="application/json" id="ID">
// {lang, atlas, label, values: [{id, name, value, text}]}, where id is the ISO 3166 numeric
// code world-atlas keys its countries by. The shapes come from /static/vendor (no CDN); no
// inline code: the page's CSP allows 'self' only.
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(canvas, spec, atlas) {
    var geo = window.ChartGeo;
    var countries = geo.topojson.feature(atlas, atlas.objects.countries).features
      .filter(function (feature) { return feature.id !== "010"; });  // Antarctica: no market
    var byId = {};
    spec.values.forEach(function (entry) { byId[entry.id] = entry; });
    var format = new Intl.NumberFormat(spec.lang === "zh" ? "zh-CN" : spec.lang, {
      notation: "compact", maximumFractionDigits: 1
    });
    var existing = window.Chart.getChart(canvas);
    if (existing) { existing.destroy(); }
    return new window.Chart(canvas, {
      type: "choropleth",
      data: {
        labels: countries.map(function (feature) {
          var entry = byId[feature.id];
          return entry ? entry.name : (feature.properties && feature.properties.name) || "";
        }),
        datasets: [{
          label: spec.label,
          outline: countries,
          data: countries.map(function (feature) {
            var entry = byId[feature.id];
            return { feature: feature, value: entry ? entry.value : null, text: entry ? entry.text : "" };
          }),
          borderColor: "#94a3b8",
          borderWidth: 0.5
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        showOutline: false,
        showGraticule: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            filter: function (item) { return item.raw && item.raw.value != null; },
            callbacks: {
              label: function (context) { return context.chart.data.labels[context.dataIndex] + ": " + context.raw.text; }
            }
          }
        },
        scales: {
          projection: { axis: "x", projection: "equalEarth" },
          color: {
            axis: "x",
            interpolate: "blues",
            missing: "#eef2f5",
            legend: { position: "bottom-left", align: "right" },
            ticks: { callback: function (value) { return format.format(value); } }
          }
        }
      }
    });
  }

  function init() {
    if (!window.Chart || !window.ChartGeo) { return; }
    var canvases = document.querySelectorAll("canvas[data-worldmap]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = readJson(canvas.dataset.worldmap);
      if (!spec) { return; }
      fetch(spec.atlas, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (atlas) {
          draw(canvas, spec, atlas);
          canvas.dataset.drawn = "1";
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
