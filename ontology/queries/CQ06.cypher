// CQ06: How does Jilin City's 联点包抓 differ from the province's 五级包保? (each tier of either, and whether the other system has the same pair)
UNWIND [['五级包保', '联点包抓'], ['联点包抓', '五级包保']] AS pair
MATCH (s:ResponsibilitySystem)<-[:PART_OF]-(a:ResponsibilityAssignment)
WHERE s.prefLabel_zh = pair[0]
MATCH (a)-[:CADRE_RANK]->(cr), (a)-[:COVERED_LEVEL]->(cl)
OPTIONAL MATCH (cr)<-[:CADRE_RANK]-(a2:ResponsibilityAssignment)-[:COVERED_LEVEL]->(cl),
               (a2)-[:PART_OF]->(s2:ResponsibilitySystem)
WHERE s2.prefLabel_zh = pair[1]
WITH pair[0] AS system, a.rank AS tier, cr.prefLabel_zh AS cadreRank,
     cl.prefLabel_zh AS coveredLevel, count(s2) AS matches
RETURN DISTINCT system, tier, cadreRank, coveredLevel, matches > 0 AS inOther
ORDER BY system, tier
