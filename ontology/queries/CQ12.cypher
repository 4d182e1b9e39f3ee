// CQ12: Which documents mention 红心物业, and which numbers do they report with it?
// A number is reported with 红心物业 when the statement it is in (STATEMENT, the whole
// sentence around it) names 红心物业; wording is the number's own span.
MATCH (mention:TextSpan)-[:IN_DOCUMENT]->(d:SourceDocument)
WHERE mention.quote CONTAINS '红心物业'
WITH DISTINCT d
OPTIONAL MATCH (d)<-[:IN_DOCUMENT]-(statement:TextSpan)<-[:STATEMENT]-(o:StatisticObservation)-[:WAS_DERIVED_FROM]->(span:TextSpan)
WHERE statement.quote CONTAINS '红心物业'
RETURN DISTINCT d.docId AS doc, o.value AS value, o.unit AS unit, span.quote AS wording
ORDER BY doc, value, unit, wording
