// Duban's charts: ECharts options built from data the page embeds with json_script.
// A chart is an element with data-chart="<id of its json_script>". Every bar or point links to
// the rows that make it (data.links[series][category]).
(function () {
  if (!window.echarts) return;
  var locale = document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN";
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var source = document.getElementById(target.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(target, null, { locale: locale });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: data.stack ? "shadow" : "line" } },
      legend: { top: 0, type: "scroll" },  // one line on a phone too, never over the bars
      grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },  // the unit below the legend
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 8 ? 30 : 0 } },
      // a marked line (the minimum) stays in sight above low bars
      yAxis: { type: "value", name: data.unit, max: data.mark ? function (v) { return Math.ceil(Math.max(v.max, data.mark.value * 1.5)); } : null },
      series: data.series.map(function (s, index) {
        var series = { name: s.name, type: s.type || "bar", emphasis: { focus: "series" }, data: s.data };
        if (data.stack) series.stack = "all";
        if (index === 0 && data.mark) {
          series.markLine = { symbol: "none", label: { formatter: data.mark.label, position: "insideEndTop" }, lineStyle: { color: "#dc3545", type: "dashed" }, data: [{ yAxis: data.mark.value }] };
        }
        return series;
      })
    });
    chart.on("click", function (params) {
      var url = data.links[params.seriesIndex] && data.links[params.seriesIndex][params.dataIndex];
      if (url) window.location = url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
