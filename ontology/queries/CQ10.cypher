// CQ10: Which statistics about the same area and measure disagree between sources?
MATCH (o1:StatisticObservation)-[:CONFLICTS_WITH]-(o2:StatisticObservation)
WHERE o1.uri < o2.uri
MATCH (o1)-[:MEASURE]->(m), (o1)-[:AREA]->(a), (o1)-[:REPORTED_IN]->(d1), (o2)-[:REPORTED_IN]->(d2)
RETURN DISTINCT m.prefLabel_zh AS measure, a.label_zh AS area, o1.value AS value1, d1.docId AS doc1,
       o2.value AS value2, d2.docId AS doc2
ORDER BY measure, area, doc1, doc2, value1, value2
