// CQ11: For a given statistic (here 党员中心户 16391), which document and which exact text span does it come from?
MATCH (m:Measure {prefLabel_zh: '党员中心户'})<-[:MEASURE]-(o:StatisticObservation)-[:WAS_DERIVED_FROM]->(span:TextSpan)
WHERE o.value = 16391
MATCH (o)-[:REPORTED_IN]->(d:SourceDocument)
RETURN DISTINCT m.prefLabel_zh AS measure, o.value AS value, d.docId AS doc, span.start AS start,
       span.end AS end, span.quote AS quote
ORDER BY doc, start
