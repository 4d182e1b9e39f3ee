// CQ01: What are the levels of Jilin City's five-level organisation system, top to bottom?
MATCH (:Hierarchy {prefLabel_zh: '五级组织体系'})<-[:IN_SCHEME]-(l:HierarchyLevel)
RETURN DISTINCT l.rank AS rank, l.prefLabel_zh AS level
ORDER BY rank, level
