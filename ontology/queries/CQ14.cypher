// CQ14: What are the four networks merged into the 智慧网?
MATCH (m:Mechanism)-[:HAS_STEP]->(s:Step)
WHERE m.prefLabel_zh STARTS WITH '四网融合'
RETURN DISTINCT s.rank AS rank, s.prefLabel_zh AS network
ORDER BY rank, network
