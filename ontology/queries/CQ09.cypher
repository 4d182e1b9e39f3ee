// CQ09: How many grids does Jilin City have, according to each source, and with what exact wording?
MATCH (:Measure {prefLabel_zh: '网格'})<-[:MEASURE]-(o:StatisticObservation)-[:AREA]->(:AdministrativeArea {label_zh: '吉林市'})
MATCH (o)-[:REPORTED_IN]->(d:SourceDocument), (o)-[:WAS_DERIVED_FROM]->(span:TextSpan)
RETURN DISTINCT d.docId AS doc, span.start AS start, o.value AS value, o.unit AS unit,
       o.qualifier AS qualifier, span.quote AS wording
ORDER BY doc, start
