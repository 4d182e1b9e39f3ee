// CQ03: Which thematic working groups does the province have, in order, and who leads them?
MATCH (:AdministrativeArea {label_zh: '吉林省'})<-[:AREA]-(:Committee)<-[:COMMITTEE]-(g:WorkingGroup)-[:THEME]->(t)
RETURN DISTINCT g.rank AS rank, t.prefLabel_zh AS theme, g.leader_zh AS leader
ORDER BY rank, theme
