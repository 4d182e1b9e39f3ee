// CQ08: Which kinds of unit join a street-level alliance, and which a community-level alliance?
MATCH (lv)<-[:ADMINISTRATIVE_LEVEL]-(a:Alliance)<-[:ORGANIZATION]-(ms:Membership)-[:MEMBER]->(u)
RETURN DISTINCT lv.prefLabel_zh AS level, a.prefLabel_zh AS alliance, ms.rank AS rank, u.prefLabel_zh AS member
ORDER BY level, alliance, rank, member
