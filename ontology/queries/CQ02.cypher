// CQ02: Which level sits directly above 楼栋党小组, and which directly below?
MATCH (:Hierarchy {prefLabel_zh: '五级组织体系'})<-[:IN_SCHEME]-(l:HierarchyLevel {prefLabel_zh: '楼栋党小组'})
MATCH (l)-[b:BROADER]-(other:HierarchyLevel)
WITH DISTINCT CASE WHEN startNode(b) = l THEN 'above' ELSE 'below' END AS relation,
     other.prefLabel_zh AS level
RETURN relation, level
ORDER BY relation, level
