// CQ04: Which working group exists at province level but not in Jilin City's set of five?
MATCH (:AdministrativeArea {label_zh: '吉林省'})<-[:AREA]-(:Committee)<-[:COMMITTEE]-(:WorkingGroup)-[:THEME]->(t)
OPTIONAL MATCH (t)<-[:THEME]-(cityGroup:WorkingGroup)-[:COMMITTEE]->(:Committee)-[:AREA]->(:AdministrativeArea {label_zh: '吉林市'})
WITH t, count(cityGroup) AS inCity
WHERE inCity = 0
RETURN DISTINCT t.prefLabel_zh AS theme
ORDER BY theme
