// CQ06: How does Jilin City's 联点包抓 differ from the province's 五级包保? (each tier of either, and whether the other system has the same pair)
// The tiers as the sources state them (TIER), not every roster assignment PART_OF a system.
UNWIND [['五级包保', '联点包抓'], ['联点包抓', '五级包保']] AS pair
MATCH (s:ResponsibilitySystem)-[:TIER]->(a:ResponsibilityAssignment)
WHERE s.prefLabel_zh = pair[0]
MATCH (a)-[:CADRE_RANK]->(cr), (a)-[:COVERED_LEVEL]->(cl)
OPTIONAL MATCH (s2:ResponsibilitySystem)-[:TIER]->(a2:ResponsibilityAssignment)-[:CADRE_RANK]->(cr),
               (a2)-[:COVERED_LEVEL]->(cl)
WHERE s2.prefLabel_zh = pair[1]
WITH pair[0] AS system, a.rank AS tier, cr.prefLabel_zh AS cadreRank,
     cl.prefLabel_zh AS coveredLevel, count(s2) AS matches
RETURN DISTINCT system, tier, cadreRank, coveredLevel, matches > 0 AS inOther
ORDER BY system, tier
