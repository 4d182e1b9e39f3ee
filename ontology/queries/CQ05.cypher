// CQ05: Who covers whom in the five-level 包保 system, tier by tier?
MATCH (:ResponsibilitySystem {prefLabel_zh: '五级包保'})<-[:PART_OF]-(a:ResponsibilityAssignment)
MATCH (a)-[:CADRE_RANK]->(cr), (a)-[:COVERED_LEVEL]->(cl)
RETURN DISTINCT a.rank AS tier, cr.prefLabel_zh AS cadreRank, cl.prefLabel_zh AS coveredLevel
ORDER BY tier, cadreRank, coveredLevel
