// CQ12: Which documents mention 红心物业, and which numbers do they report with it?
MATCH (mention:TextSpan)-[:IN_DOCUMENT]->(d:SourceDocument)
WHERE mention.quote CONTAINS '红心物业'
WITH DISTINCT d
OPTIONAL MATCH (d)<-[:IN_DOCUMENT]-(span:TextSpan)<-[:WAS_DERIVED_FROM]-(o:StatisticObservation)
WHERE span.quote CONTAINS '红心物业'
RETURN DISTINCT d.docId AS doc, o.value AS value, o.unit AS unit, span.quote AS wording
ORDER BY doc, value, wording
