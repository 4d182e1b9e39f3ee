// CQ13: Which organisation levels have counts reported for Jilin City, and what are they? (per level, the count most sources give)
UNWIND [{position: 1, level: '街道'}, {position: 2, level: '社区'}, {position: 3, level: '网格'},
        {position: 4, level: '网格党支部'}, {position: 5, level: '网格党小组'},
        {position: 6, level: '楼栋党小组'}, {position: 7, level: '党员中心户'}] AS lv
MATCH (m:Measure)<-[:MEASURE]-(o:StatisticObservation)-[:AREA]->(:AdministrativeArea {label_zh: '吉林市'})
WHERE m.prefLabel_zh = lv.level AND o.unit = '个' AND coalesce(o.countScope, '') <> 'subset'
MATCH (o)-[:REPORTED_IN]->(d:SourceDocument)
WITH lv.position AS position, lv.level AS level, o.value AS value, count(DISTINCT d) AS documents
ORDER BY position, documents DESC, value DESC
WITH position, level, collect([value, documents])[0] AS best
RETURN position, level, best[0] AS value, best[1] AS documents
ORDER BY position
