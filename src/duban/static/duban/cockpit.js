// The cockpit's charts: the risk heat map (team × area, red / yellow; a cell opens its risks)
// and a lead's radar (five dimensions). Data comes from json_script elements.
(function () {
  if (!window.echarts) return;
  var locale = document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN";

  document.querySelectorAll("[data-heat]").forEach(function (target) {
    var data = JSON.parse(document.getElementById(target.dataset.heat).textContent);
    var chart = echarts.init(target, null, { locale: locale });
    var max = Math.max(1, Math.max.apply(null, data.cells.map(function (c) { return c[2]; })));
    chart.setOption({
      tooltip: { formatter: function (p) { return data.y[p.value[1]] + " · " + data.x[p.value[0]] + "<br>" + p.value[2] + " / " + p.value[3]; } },
      grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.x, splitArea: { show: true } },
      yAxis: { type: "category", data: data.y, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: max, dimension: 2, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80, inRange: { color: ["#f8f9fa", "#f1aeb5", "#dc3545"] } },
      series: [{
        type: "heatmap", data: data.cells,
        label: { show: true, formatter: function (p) { return p.value[2] || p.value[3] ? p.value[2] + " / " + p.value[3] : ""; } },
        emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } }
      }]
    });
    chart.on("click", function (p) { if (p.value[4]) window.location = p.value[4]; });
    window.addEventListener("resize", function () { chart.resize(); });
  });

  document.querySelectorAll("[data-radar]").forEach(function (target) {
    var data = JSON.parse(document.getElementById(target.dataset.radar).textContent);
    var chart = echarts.init(target, null, { locale: locale });
    chart.setOption({
      tooltip: {},
      legend: { top: 0, type: "scroll" },
      radar: { indicator: data.indicators.map(function (name) { return { name: name, max: 100 }; }), radius: "60%", center: ["50%", "58%"] },
      series: [{ type: "radar", data: data.series.map(function (s) { return { name: s.name, value: s.data }; }), areaStyle: { opacity: 0.15 } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
