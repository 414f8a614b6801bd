// Duban's charts: ECharts options built from data the page embeds with json_script.
// Every bar links to the rows that make it (data.links[series][category]).
(function () {
  var source = document.getElementById("aging-data");
  var target = document.getElementById("aging-chart");
  if (!source || !target || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(target, null, { locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN" });
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, type: "scroll" },  // one line on a phone too, never over the bars
    grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },  // the unit below the legend
    xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 8 ? 30 : 0 } },
    yAxis: { type: "value", name: data.unit },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "aging", emphasis: { focus: "series" }, data: s.data };
    })
  });
  chart.on("click", function (params) {
    var url = data.links[params.seriesIndex] && data.links[params.seriesIndex][params.dataIndex];
    if (url) window.location = url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
