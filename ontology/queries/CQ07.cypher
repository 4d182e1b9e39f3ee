// CQ07: What are the steps of the alliance 六步工作法, in order, and which steps does it share with 六步接办?
MATCH (:Mechanism {prefLabel_zh: '六步工作法'})-[:HAS_STEP]->(s:Step)-[:STEP_KIND]->(kind)
OPTIONAL MATCH (kind)<-[:STEP_KIND]-(:Step)<-[:HAS_STEP]-(other:Mechanism)
WHERE other.prefLabel_zh STARTS WITH '六步接办'
WITH s.rank AS rank, s.prefLabel_zh AS step, count(other) AS matches
RETURN DISTINCT rank, step, matches > 0 AS shared
ORDER BY rank, step
