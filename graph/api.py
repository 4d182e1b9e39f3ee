"""A Python API for exploring a built govkg graph from scripts and notebooks: SPARQL and
Cypher answers as pandas DataFrames, views shown inline, networkx projections, and the
text spans behind every extracted fact.

The examples in this module run on the corpus (``$GOVKG_CORPUS``, else
``../shared/corpus``), built once per process into a temporary folder by
:func:`example_graph`:

>>> kg = example_graph()
>>> grids = kg.statistics(measure="网格", area="吉林市")  # one report gives an earlier count
>>> grids["value"].tolist()
[3438, 3438, 2766]
>>> kg.sources(grids["observation"][2])[["doc", "quote"]].values.tolist()
[['004_76ec77ba1fea5230', '2766个网格']]

Values never go into query text: :meth:`KnowledgeGraph.sparql` binds them as SPARQL
substitutions and :meth:`KnowledgeGraph.cypher` passes them as ``$params``.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import importlib
import importlib.util
import json
import os
import shutil
import tempfile
import warnings
import weakref
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pandas as pd
import pyoxigraph as ox

from govkg.graph.sparql import QueryError, open_store, run_query
from govkg.ontology import GK, PREFIXES, SKOS
from govkg.ontology.errors import ServiceError

if TYPE_CHECKING:
    import networkx as nx
    from IPython.display import HTML, IFrame

__all__ = [
    "CYPHER_MODULE",
    "CypherBackend",
    "CypherUnavailable",
    "KnowledgeGraph",
    "cypher_layer_available",
    "example_graph",
    "iri",
    "zh",
]

#: The Cypher layer :meth:`KnowledgeGraph.cypher` delegates to: its ``Connection`` and
#: ``open_target`` reach Neo4j over Bolt, or start the local FalkorDB server with the build
#: pushed into it.
CYPHER_MODULE = "govkg.graph.mirror"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindable = Term | str | int | float | Decimal | bool
NetworkKind = Literal["chain", "alliance", "all"]

_XSD = PREFIXES["xsd"]


class CypherUnavailable(ServiceError, RuntimeError):
    """The Cypher layer is not installed (and no other backend was given)."""


class CypherBackend(Protocol):
    """What :meth:`KnowledgeGraph.cypher` needs from a Cypher server.

    ``run`` executes one read query with its parameters and returns the column names and
    one mapping per row (values already plain Python: str, int, float, list, dict). The
    targets of :data:`CYPHER_MODULE` (Neo4j over Bolt, the local FalkorDB server) are
    backends; pass another to :meth:`KnowledgeGraph.open` to query elsewhere.
    """

    def run(
        self, query: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]: ...


def iri(name: str) -> ox.NamedNode:
    """An IRI from a full IRI or a prefixed name of the project's prefixes.

    Parameters
    ----------
    name : str
        ``https://…`` or a prefixed name such as ``gk:value`` or ``gkd:area/吉林市``.

    Returns
    -------
    pyoxigraph.NamedNode

    Examples
    --------
    >>> iri("gkd:area/吉林市").value
    'https://w3id.org/govkg/id/area/吉林市'
    >>> iri("gk:StatisticObservation").value
    'https://w3id.org/govkg/ontology#StatisticObservation'
    """
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if "://" not in name:
        raise ValueError(
            f"not an IRI or a prefixed name with a known prefix "
            f"({', '.join(sorted(PREFIXES))}): {name!r}"
        )
    return ox.NamedNode(name)


def zh(text: str) -> ox.Literal:
    """A Chinese-tagged literal (``"…"@zh``), the form of every Chinese label in the graph.

    Examples
    --------
    >>> zh("网格")
    <Literal value=网格 language=zh>
    """
    return ox.Literal(text, language="zh")


def _term(name: str, value: Bindable) -> Term:
    """The RDF term a Python value is bound as (see :meth:`KnowledgeGraph.sparql`)."""
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    if isinstance(value, bool):  # before int: bool is a subclass of int
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "decimal"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(
        f"cannot bind ?{name} to a {type(value).__name__}: pass a str, int, float, Decimal, "
        "bool, or a term made with iri() or zh()"
    )


def _frame(columns: list[str], rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _local(value: str) -> str:
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


STATISTICS_Q = """
SELECT ?observation #BOUND# (MIN(?m_label) AS ?measure) (MIN(?a_label) AS ?area) (MIN(?v) AS ?value)
       (MIN(?vmax) AS ?value_max) (MIN(?u) AS ?unit) (MIN(?q) AS ?qualifier) (MIN(?d_id) AS ?doc)
       (MIN(?s_start) AS ?start) (MIN(?s_end) AS ?end) (MIN(?s_quote) AS ?quote)
       (COUNT(DISTINCT ?other) AS ?conflicts)
WHERE {
  ?observation a gk:StatisticObservation ; gk:value ?v ; gk:measure ?m .
  ?m skos:prefLabel ?m_label . FILTER(langMatches(lang(?m_label), "zh"))
  OPTIONAL { ?observation gk:area ?a .
             ?a rdfs:label ?a_label FILTER(langMatches(lang(?a_label), "zh")) }
  OPTIONAL { ?observation gk:valueMax ?vmax }
  OPTIONAL { ?observation gk:unit ?u }
  OPTIONAL { ?observation gk:qualifier ?q }
  OPTIONAL { ?observation gk:reportedIn/gk:docId ?d_id }
  OPTIONAL { ?observation prov:wasDerivedFrom ?span .
             ?span gk:start ?s_start ; gk:end ?s_end ; gk:quote ?s_quote }
  OPTIONAL { ?observation gk:conflictsWith ?other }
  #FILTERS#
}
GROUP BY ?observation #BOUND#
ORDER BY ?measure ?area ?doc ?start ?observation
"""

MEASURE_FILTER = """
  FILTER EXISTS { ?m skos:prefLabel|skos:altLabel|rdfs:label ?m_name .
                  FILTER(STR(?m_name) = ?measure_name) }
"""

AREA_FILTER = """
  FILTER EXISTS { ?observation gk:area ?fa .
                  ?fa rdfs:label|skos:altLabel ?a_name . FILTER(STR(?a_name) = ?area_name) }
"""

CONFLICT_EDGES_Q = "SELECT DISTINCT ?a ?b WHERE { ?a gk:conflictsWith ?b }"

SOURCES_Q = """
SELECT DISTINCT ?doc ?start ?end ?quote ?row ?span ?resource WHERE {
  ?resource prov:wasDerivedFrom ?span .
  OPTIONAL { ?span gk:inDocument/gk:docId ?doc }
  OPTIONAL { ?span gk:start ?start }
  OPTIONAL { ?span gk:end ?end }
  OPTIONAL { ?span gk:quote ?quote }
  OPTIONAL { ?span gk:rowNumber ?row }
}
ORDER BY ?doc ?start ?row ?end ?span
"""

LABELS_Q = """
SELECT DISTINCT ?s ?p ?label (LANG(?label) AS ?lang) WHERE {
  VALUES ?p { skos:prefLabel rdfs:label }
  ?s ?p ?label .
}
"""

CHAIN_LEVELS_Q = """
SELECT DISTINCT ?level ?scheme ?rank ?broader WHERE {
  ?level a gk:HierarchyLevel ; skos:inScheme ?scheme .
  OPTIONAL { ?level gk:rank ?rank }
  OPTIONAL { ?level skos:broader ?broader }
}
"""

CHAIN_UNITS_Q = """
SELECT DISTINCT ?unit ?cls ?level ?rank ?parent WHERE {
  ?cls gk:chainLevel ?level . ?unit a ?cls .
  OPTIONAL { ?level gk:rank ?rank }
  OPTIONAL { ?unit org:subOrganizationOf ?parent }
}
"""

ALLIANCE_Q = """
SELECT DISTINCT ?membership ?alliance ?member ?rank ?role WHERE {
  ?alliance a gk:Alliance .
  ?membership org:organization ?alliance ; org:member ?member .
  OPTIONAL { ?membership gk:rank ?rank }
  OPTIONAL { ?membership gk:role ?role }
}
"""

ALL_EDGES_Q = """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o) && ?p != rdf:type)
  FILTER NOT EXISTS { VALUES ?meta { owl:Class owl:ObjectProperty owl:DatatypeProperty
                                     owl:AnnotationProperty owl:Ontology rdf:Property }
                      ?s a ?meta }
}
"""

TYPES_Q = "SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?t)) }"


class KnowledgeGraph:
    """A built govkg graph, opened read-only for exploration.

    Use :meth:`open` on an output folder written by ``govkg build`` (or :meth:`build` to
    make one). Every answer is a :class:`pandas.DataFrame` whose columns are the query's
    variables (SPARQL) or return items (Cypher); numbers come back as ``int`` or ``float``,
    IRIs and strings as ``str``.

    Examples
    --------
    >>> kg = example_graph()
    >>> kg
    KnowledgeGraph('...')
    >>> sorted(kg.views())
    ['alliances', 'baobao', 'index', 'mechanisms', 'org-chain', 'sources', 'working-groups']
    """

    def __init__(
        self,
        out_dir: Path,
        store: ox.Store,
        cypher_backend: CypherBackend | None = None,
        cypher_uri: str | None = None,
        lang: str | None = "zh",
    ) -> None:
        self._out_dir = out_dir
        self.lang = lang
        """Language labels are chosen in where the graph states several (``"zh"``, ``"en"``;
        ``None`` keeps every language): used by :meth:`sparql` and :meth:`label`."""
        self._store = store
        self._cypher = self._given_cypher = cypher_backend
        self._cypher_uri = cypher_uri
        self._closers: list[Callable[[], None]] = []
        # a server started for this object is stopped when it goes away, at the latest
        weakref.finalize(self, _close_all, self._closers)
        self._labels: dict[str, str] | None = None
        self._labels_lang: str | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        out_dir: str | os.PathLike[str] = "out",
        *,
        cypher_backend: CypherBackend | None = None,
        cypher_uri: str | None = None,
        lang: str | None = "zh",
    ) -> KnowledgeGraph:
        """Open the output folder of a build.

        Parameters
        ----------
        out_dir : path, default "out"
            The folder ``govkg build --out`` wrote (it holds ``store/`` and
            ``report.json``).
        cypher_backend : CypherBackend, optional
            What answers :meth:`cypher`; by default the Cypher layer of the package.
        cypher_uri : str, optional
            A Neo4j server for :meth:`cypher` (``bolt://…``; user and password from
            ``$NEO4J_USER`` and ``$NEO4J_PASSWORD``); by default ``$NEO4J_URI``, else the
            local Cypher server.
        lang : {"zh", "en", None}, default "zh"
            The language :meth:`sparql` and :meth:`label` give labels in where the graph
            states a label in several (areas have Chinese and English ones); ``None`` keeps
            every language. Settable later as ``kg.lang``.

        Returns
        -------
        KnowledgeGraph

        Raises
        ------
        FileNotFoundError
            When the folder holds no build.

        Examples
        --------
        >>> kg = KnowledgeGraph.open(example_graph().out_dir)
        >>> kg.report["validation"]["conforms"]
        True
        >>> KnowledgeGraph.open("no-such-folder")
        Traceback (most recent call last):
        ...
        FileNotFoundError: no store at no-such-folder/store: run `govkg build --out no-such-folder` first
        """
        path = Path(out_dir)
        try:
            store = open_store(path)
        except QueryError as exc:
            raise FileNotFoundError(str(exc)) from None
        return cls(path, store, cypher_backend, cypher_uri, lang)

    @classmethod
    def build(
        cls,
        corpus_dir: str | os.PathLike[str] | None = None,
        out_dir: str | os.PathLike[str] = "out",
        rosters: Iterable[str | os.PathLike[str]] = (),
        *,
        allow_rejects: bool = False,
        validate: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> KnowledgeGraph:
        """Build the graph (as ``govkg build`` does) and open the result.

        Parameters
        ----------
        corpus_dir : path, optional
            The corpus folder; by default ``$GOVKG_CORPUS``, else ``../shared/corpus``.
        out_dir : path, default "out"
            Where to write the output folder (replaced atomically).
        rosters : iterable of paths
            Roster files or folders to load beside the corpus.
        allow_rejects : bool, default False
            Write the output even when input items were rejected.
        validate : bool, default True
            Run SHACL validation (the result is in ``report["validation"]``).
        progress : callable, optional
            Called with a short message at each step.

        Returns
        -------
        KnowledgeGraph

        Raises
        ------
        govkg.graph.build.BuildError
            When there is no corpus, or input items were rejected and ``allow_rejects`` is
            false (the message names the files).

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kg = KnowledgeGraph.build(out_dir=Path(tmp) / "out")
        ...     kg.statistics(measure="党员中心户", area="吉林市")["value"].tolist()
        [16391, 16391]
        """
        from govkg.graph.build import BuildError, BuildOptions
        from govkg.graph.build import build as run_build
        from govkg.loaders.corpus import default_corpus_dir

        corpus = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
        options = BuildOptions(
            corpus,
            Path(out_dir),
            [Path(p) for p in rosters],
            allow_rejects=allow_rejects,
            validate=validate,
        )
        result = run_build(options, progress)
        if not result.written:
            files = ", ".join(sorted({r.source for r in result.rejections}))
            raise BuildError(
                f"{len(result.rejections)} input item(s) rejected (files: {files}); nothing "
                "written. Fix them or pass allow_rejects=True."
            )
        if not result.ok:
            warnings.warn(
                f"the graph built into {out_dir} does not conform to the SHACL shapes; "
                "see report['validation'] or `govkg validate`",
                stacklevel=2,
            )
        return cls.open(out_dir)

    @property
    def out_dir(self) -> Path:
        """The output folder this graph was opened from."""
        return self._out_dir

    @property
    def store(self) -> ox.Store:
        """The embedded Oxigraph store (read-only), for what this API does not cover."""
        return self._store

    @property
    def report(self) -> dict[str, Any]:
        """The build report (``report.json``): counts, loader reports, conflicts, validation."""
        data: dict[str, Any] = json.loads(
            (self._out_dir / "report.json").read_text(encoding="utf-8")
        )
        return data

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self._out_dir)!r})"

    # ------------------------------------------------------------------ queries

    def sparql(self, query: str, **bindings: Bindable) -> pd.DataFrame:
        """Run a SPARQL query over the union of all sources.

        The project's prefixes (``gk:``, ``gkd:``, ``skos:``, ``prov:``, …) are declared (a
        query's own ``PREFIX`` overrides one). The default graph is the union of the named
        graphs, where a statement two documents assert matches once per document; each
        answer is given once all the same (``DISTINCT`` is added to a ``SELECT``), but
        aggregates count per document: write ``COUNT(DISTINCT ?x)``. ``GRAPH ?g { … }``
        reaches one source. Where rows differ only in the language of a label, those in
        :attr:`lang` are kept (``LIMIT`` counts the rows kept).

        Parameters
        ----------
        query : str
            A ``SELECT``, ``ASK`` or ``CONSTRUCT`` query.
        **bindings
            Values for variables of the query, bound as SPARQL substitutions (never
            formatted into the text). A ``str`` is bound as a plain string literal, an
            ``int`` as ``xsd:integer``, a ``float`` as ``xsd:double``, a ``Decimal`` as
            ``xsd:decimal``, a ``bool`` as ``xsd:boolean``; use :func:`iri` for a resource
            and :func:`zh` for a Chinese label. Oxigraph substitutes only variables the
            query returns: a bound variable must appear in the ``SELECT`` clause (or use
            ``SELECT *``); ``ASK`` and ``CONSTRUCT`` take any variable.

        Returns
        -------
        pandas.DataFrame
            One column per variable (``result`` for ``ASK``; ``subject``, ``predicate``,
            ``object`` for ``CONSTRUCT``).

        Raises
        ------
        govkg.graph.sparql.QueryError
            For a syntax error or a failed query.

        Examples
        --------
        >>> kg = example_graph()
        >>> kg.sparql('''  # doctest: +NORMALIZE_WHITESPACE
        ...     SELECT DISTINCT ?area ?value WHERE {
        ...       ?o gk:measure/skos:prefLabel "网格"@zh ; gk:area/rdfs:label ?area ;
        ...          gk:value ?value }
        ...     ORDER BY DESC(?value)''', area=zh("吉林市"))
          area  value
        0  吉林市   3438
        1  吉林市   2766
        >>> kg.sparql("SELECT ?label WHERE { ?area rdfs:label ?label }", area=iri("gkd:area/吉林市"))
        Traceback (most recent call last):
        ...
        govkg.graph.sparql.QueryError: SPARQL query failed: ... (a bound variable must be returned by the query: add it to the SELECT clause or use SELECT *)
        >>> kg.sparql("ASK { ?d gk:docId ?id }", id="000_9a7ae06e4773128d")
           result
        0    True
        >>> kg.sparql('SELECT ?label WHERE { ?a skos:notation ?c ; rdfs:label ?label '
        ...           'FILTER(STR(?c) = "220200") }')
          label
        0   吉林市
        """
        names, rows = run_query(
            self._store,
            query,
            {k: _term(k, v) for k, v in bindings.items()},
            distinct=True,
            lang=self.lang,
        )
        return _frame(names, rows)

    def cypher(self, query: str, **params: Any) -> pd.DataFrame:
        """Run a Cypher query over the property-graph mirror of this graph.

        The mirror follows the design's mapping: one node per resource with ``uri`` and a
        label per class, relationships named after object properties in UPPER_SNAKE_CASE.
        The query runs on Neo4j when ``cypher_uri`` (or ``$NEO4J_URI``) is set, else on the
        local Cypher server (FalkorDB) over this output folder: the first call starts it,
        or attaches to one ``govkg serve cypher`` left running, and pushes the build into it
        when it does not hold it yet; :meth:`close` (or the end of the process) stops a
        server this object started.

        Parameters
        ----------
        query : str
            A read query.
        **params
            Values of the query's ``$parameters``; never formatted into the text.

        Returns
        -------
        pandas.DataFrame
            One column per return item, in order.

        Raises
        ------
        govkg.graph.mirror.CypherError
            For a failed query or an unreachable server (the message is for the user).
        CypherUnavailable
            When the Cypher layer is not installed.

        Examples
        --------
        >>> kg = example_graph()
        >>> kg.cypher(
        ...     "MATCH (l:HierarchyLevel)-[:BROADER]->(:HierarchyLevel {label_zh: $name}) "
        ...     "RETURN DISTINCT l.label_zh AS below", name="楼栋党小组")
             below
        0  单元党员中心户
        """
        columns, rows = self._cypher_backend().run(query, dict(params))
        return _frame(list(columns), rows)

    def _cypher_backend(self) -> CypherBackend:
        if self._cypher is None:
            target, closer = _open_cypher_target(self._out_dir, self._cypher_uri)
            self._cypher = target
            self._closers.append(closer)
        return self._cypher

    def close(self) -> None:
        """Stop the Cypher server this object started, if any; SPARQL keeps working."""
        while self._closers:
            self._closers.pop()()
        self._cypher = self._given_cypher

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ views

    def views(self) -> list[str]:
        """The names of the HTML views of this build (file names without ``.html``).

        Examples
        --------
        >>> "org-chain" in example_graph().views()
        True
        """
        folder = self._out_dir / "views"
        return sorted(p.stem for p in folder.glob("*.html")) if folder.is_dir() else []

    def view(self, name: str = "index", *, height: int = 640, inline: bool = True) -> HTML | IFrame:
        """Show one of the build's HTML views in Jupyter.

        Parameters
        ----------
        name : str, default "index"
            A view name from :meth:`views` (``org-chain``, ``alliances``, ``baobao``, …).
        height : int, default 640
            Height of the frame in pixels.
        inline : bool, default True
            Embed the page in the notebook (an ``<iframe srcdoc>``; works wherever the
            notebook is opened, since every view is self-contained, but the links from one
            view to another do not lead anywhere there). With ``False``, an
            :class:`IPython.display.IFrame` that loads the file by its path relative to the
            working folder instead, which keeps notebooks small but needs the notebook
            server to serve that path.

        Returns
        -------
        IPython.display.HTML or IPython.display.IFrame

        Raises
        ------
        KeyError
            For a view the build does not have; the message lists those it has.

        Examples
        --------
        >>> frame = example_graph().view("baobao", height=400)
        >>> '<iframe title="baobao"' in frame.data
        True
        >>> example_graph().view("nope")
        Traceback (most recent call last):
        ...
        KeyError: "no view 'nope' in ...; views: alliances, baobao, index, mechanisms, org-chain, sources, working-groups"
        """
        from IPython.display import HTML, IFrame

        stem = name.removesuffix(".html")
        path = self._out_dir / "views" / f"{stem}.html"
        if not path.is_file():
            raise KeyError(
                f"no view {stem!r} in {self._out_dir / 'views'}; views: {', '.join(self.views())}"
            )
        if not inline:
            return IFrame(os.path.relpath(path), width="100%", height=height)
        page = path.read_text(encoding="utf-8")
        return HTML(
            f'<div class="govkg-view"><iframe title="{html.escape(stem)}" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ccc"></iframe></div>'
        )

    # ------------------------------------------------------------------ facts

    def statistics(self, measure: str | None = None, area: str | None = None) -> pd.DataFrame:
        """The reported numbers, one row per observation, with their sources.

        Parameters
        ----------
        measure : str, optional
            Only observations of this measure (its Chinese name or a wording variant,
            e.g. ``"网格"``).
        area : str, optional
            Only observations about this area, by name (``"吉林市"``); sub-areas are not
            included.

        Returns
        -------
        pandas.DataFrame
            Columns ``observation, measure, area, value, value_max, unit, qualifier, doc,
            start, end, quote, conflicts``; ``value`` is expanded (6.89万 → 68900),
            ``qualifier`` one of ``exact``, ``approx_more_than``, ``approx_about``,
            ``approx_nearly``; ``start``/``end`` are code-point offsets of ``quote`` in the
            document ``doc``; ``conflicts`` counts the observations that disagree with this
            one. Sorted by measure, area, document and position.

        Examples
        --------
        >>> kg = example_graph()
        >>> grids = kg.statistics(measure="网格", area="吉林市")
        >>> grids[["value", "unit", "qualifier", "quote", "conflicts"]]  # doctest: +NORMALIZE_WHITESPACE
           value unit qualifier    quote  conflicts
        0   3438    个     exact  网格3438个          1
        1   3438    个     exact  网格3438个          1
        2   2766    个     exact  2766个网格          2
        >>> len(kg.statistics()) > 100
        True
        """
        filters = ""
        bindings: dict[str, Term] = {}
        if measure is not None:
            filters += MEASURE_FILTER
            bindings["measure_name"] = ox.Literal(measure)
        if area is not None:
            filters += AREA_FILTER
            bindings["area_name"] = ox.Literal(area)
        query = STATISTICS_Q.replace("#FILTERS#", filters).replace(
            "#BOUND#", " ".join(f"?{name}" for name in bindings)
        )
        names, rows = run_query(self._store, query, bindings)
        return _frame(names, rows).drop(columns=list(bindings))

    def conflicts(self) -> pd.DataFrame:
        """Observations that disagree with another source, grouped by measure and area.

        Two observations conflict (``gk:conflictsWith``) when they count the same measure
        for the same area and their values differ. Each group is one set of observations
        linked by conflicts.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`statistics` with ``group`` (1, 2, …) first; one row per
            observation in a conflict, sorted by measure, area, then document and position.

        Examples
        --------
        >>> kg = example_graph()
        >>> c = kg.conflicts()
        >>> alliances = c[(c.measure == "党建联盟") & (c.area == "吉林市")]
        >>> sorted(set(alliances["value"]))  # a float column: some reported values are not whole
        [358.0, 601.0]
        >>> alliances["group"].nunique()
        1
        """
        stats = self.statistics()
        _, edges = run_query(self._store, CONFLICT_EDGES_Q)
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for e in edges:
            ra, rb = find(str(e["a"])), find(str(e["b"]))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        involved = stats[stats["observation"].isin(parent.keys())].copy()
        involved["root"] = [find(o) for o in involved["observation"]]
        order = (
            involved.sort_values(["measure", "area", "doc", "start", "observation"])
            .drop_duplicates("root")["root"]
            .tolist()
        )
        number = {root: i + 1 for i, root in enumerate(order)}
        involved.insert(0, "group", [number[r] for r in involved["root"]])
        involved = involved.drop(columns="root")
        return involved.sort_values(["group", "doc", "start", "observation"]).reset_index(drop=True)

    def sources(self, resource: str | ox.NamedNode) -> pd.DataFrame:
        """The text spans (or roster rows) a resource was extracted from.

        Parameters
        ----------
        resource : str or pyoxigraph.NamedNode
            The resource, as an IRI or a prefixed name (``gkd:obs/…``).

        Returns
        -------
        pandas.DataFrame
            Columns ``doc, start, end, quote, row, span``: the document id, the code-point
            offsets of the span in the document text (``end`` exclusive) and its exact
            text, or for a roster the row number in the file (``doc`` is then the roster
            file's id), and the IRI of the span or row. Empty when the resource cites no
            source (shipped reference data such as concept schemes).

        Examples
        --------
        >>> kg = example_graph()
        >>> obs = kg.statistics(measure="党员中心户", area="吉林市")["observation"]
        >>> kg.sources(obs[0])[["start", "end", "quote"]].values.tolist()
        [[928, 939, '党员中心户16391个']]
        >>> kg.sources("gkd:system/五级包保/1")["doc"].str[:3].tolist()
        ['001']
        """
        node = resource if isinstance(resource, ox.NamedNode) else iri(resource)
        names, rows = run_query(self._store, SOURCES_Q, {"resource": node})
        return _frame(names, rows).drop(columns="resource")

    # ------------------------------------------------------------------ networkx

    def label(self, resource: str) -> str:
        """The display label of a resource: its ``skos:prefLabel`` in :attr:`lang`, else its
        ``rdfs:label`` in :attr:`lang`, else a label in another language, else its name.

        Examples
        --------
        >>> kg = example_graph()
        >>> kg.label("https://w3id.org/govkg/id/org-chain/3")
        '网格党支部'
        >>> kg.label("https://w3id.org/govkg/id/area/220200")
        '吉林市'
        """
        labels = self._label_map()
        return labels.get(resource) or _local(resource)

    def _label_map(self) -> dict[str, str]:
        if self._labels is None or self._labels_lang != self.lang:
            _, rows = run_query(self._store, LABELS_Q)
            want = (self.lang or "zh").lower()
            ranked: dict[str, tuple[int, int, str]] = {}
            for r in rows:
                # a label in the language asked for first, prefLabel before rdfs:label;
                # ties broken by the text so the choice is the same on every build
                p, label = r["p"], str(r["label"])
                other = str(r["lang"] or "").lower().split("-")[0] != want
                key = (int(other), 0 if p == SKOS + "prefLabel" else 1, label)
                if r["s"] not in ranked or key < ranked[r["s"]]:
                    ranked[r["s"]] = key
            self._labels = {s: k[2] for s, k in ranked.items()}
            self._labels_lang = self.lang
        return self._labels

    def to_networkx(self, kind: NetworkKind = "chain") -> nx.DiGraph | nx.Graph | nx.MultiDiGraph:
        """A networkx projection of the graph.

        Parameters
        ----------
        kind : {"chain", "alliance", "all"}, default "chain"
            ``"chain"``: a :class:`networkx.DiGraph` of ordered structures, edges pointing
            from the upper node to the one directly below it — each stated hierarchy
            (node ``kind="Hierarchy"``) to its top level, each level to the next
            (``skos:broader`` reversed), and for roster units each unit to its sub-units
            (``org:subOrganizationOf`` reversed). ``"alliance"``: an undirected bipartite
            :class:`networkx.Graph` of alliances and their members (``bipartite`` is 0 for
            alliances, 1 for members; edges carry ``membership``, ``rank`` and ``role``).
            ``"all"``: a :class:`networkx.MultiDiGraph` of every statement between two
            resources except ``rdf:type`` and the ontology's own class and property
            declarations; edges carry ``predicate`` (a local name such as ``measure``).

        Returns
        -------
        networkx.DiGraph, networkx.Graph or networkx.MultiDiGraph
            Nodes are IRIs with attributes ``label`` (Chinese where there is one) and
            ``types`` (class local names); chain nodes also have ``kind`` and ``rank``.

        Examples
        --------
        >>> import networkx as nx
        >>> kg = example_graph()
        >>> g = kg.to_networkx("chain")
        >>> top = "https://w3id.org/govkg/id/org-chain/1"
        >>> [g.nodes[n]["label"] for n in nx.dfs_preorder_nodes(g, top)]
        ['街道党工委', '社区党组织', '网格党支部', '楼栋党小组', '单元党员中心户']
        >>> a = kg.to_networkx("alliance")
        >>> sorted(a.nodes[n]["label"] for n in a if a.nodes[n]["bipartite"] == 0)
        ['社区党建联盟', '街道党建联盟']
        >>> everything = kg.to_networkx("all")
        >>> everything.number_of_edges() > everything.number_of_nodes()
        True
        """
        import networkx as nx

        types = self._types()
        labels = self._label_map()

        def attrs(node: str) -> dict[str, Any]:
            return {
                "label": labels.get(node) or _local(node),
                "types": sorted(_local(t) for t in types.get(node, ())),
            }

        if kind == "chain":
            chain = nx.DiGraph(kind="chain")
            _, rows = run_query(self._store, CHAIN_LEVELS_Q)
            levels: dict[str, dict[str, Any]] = {}
            for r in rows:
                lvl = levels.setdefault(
                    r["level"], {"scheme": r["scheme"], "rank": r["rank"], "broader": set()}
                )
                if r["broader"] is not None:
                    lvl["broader"].add(r["broader"])
            for level, info in sorted(levels.items()):
                scheme = info["scheme"]
                if scheme not in chain:
                    chain.add_node(scheme, kind="Hierarchy", rank=0, **attrs(scheme))
                chain.add_node(level, kind="HierarchyLevel", rank=info["rank"], **attrs(level))
                chain.nodes[level]["hierarchy"] = scheme
                if info["broader"]:
                    for up in sorted(info["broader"]):
                        chain.add_edge(up, level, relation="broader")
                else:
                    chain.add_edge(scheme, level, relation="top")
            _, rows = run_query(self._store, CHAIN_UNITS_Q)
            placed: set[str] = set()
            for r in sorted(rows, key=lambda r: (str(r["unit"]), r["rank"] or 0, r["cls"])):
                unit = r["unit"]
                if unit not in placed:  # a unit of two chain classes keeps the upper one
                    placed.add(unit)
                    chain.add_node(unit, kind=_local(r["cls"]), rank=r["rank"], **attrs(unit))
                    chain.nodes[unit]["level"] = r["level"]
                if r["parent"] is not None:
                    chain.add_edge(r["parent"], unit, relation="subOrganizationOf")
            for node, data in chain.nodes(data=True):
                if "kind" not in data:  # a parent outside the chain classes
                    ours = [t for t in types.get(node, ()) if t.startswith(GK)]
                    data.update(attrs(node), kind=_local(min(ours)) if ours else "", rank=None)
            return chain

        if kind == "alliance":
            graph = nx.Graph(kind="alliance")
            _, rows = run_query(self._store, ALLIANCE_Q)
            for r in sorted(rows, key=lambda r: (r["alliance"], r["member"], r["membership"])):
                graph.add_node(r["alliance"], bipartite=0, **attrs(r["alliance"]))
                if r["member"] not in graph:
                    graph.add_node(r["member"], bipartite=1, **attrs(r["member"]))
                graph.add_edge(
                    r["alliance"],
                    r["member"],
                    membership=r["membership"],
                    rank=r["rank"],
                    role=r["role"],
                )
            return graph

        if kind == "all":
            graph_all = nx.MultiDiGraph(kind="all")
            _, rows = run_query(self._store, ALL_EDGES_Q)
            for r in sorted(rows, key=lambda r: (r["s"], r["p"], r["o"])):
                for node in (r["s"], r["o"]):
                    if node not in graph_all:
                        graph_all.add_node(node, **attrs(node))
                graph_all.add_edge(r["s"], r["o"], key=_local(r["p"]), predicate=_local(r["p"]))
            return graph_all

        raise ValueError(f"unknown kind {kind!r}: use 'chain', 'alliance' or 'all'")

    def _types(self) -> dict[str, set[str]]:
        _, rows = run_query(self._store, TYPES_Q)
        out: dict[str, set[str]] = {}
        for r in rows:
            out.setdefault(r["s"], set()).add(r["t"])
        return out


def _close_all(closers: list[Callable[[], None]]) -> None:
    while closers:
        closers.pop()()


def _open_cypher_target(out_dir: Path, uri: str | None) -> tuple[CypherBackend, Callable[[], None]]:
    """A target of the Cypher layer for this build, and what closes it."""
    if not cypher_layer_available():
        raise CypherUnavailable(
            f"the Cypher layer ({CYPHER_MODULE}) is not installed; pass cypher_backend= to "
            "KnowledgeGraph.open to use another server"
        )
    mirror = importlib.import_module(CYPHER_MODULE)
    stack = contextlib.ExitStack()
    connection = mirror.Connection.resolve(uri, None, None, None)
    target: CypherBackend = stack.enter_context(mirror.open_target(connection, out_dir))
    return target, stack.close


def cypher_layer_available() -> bool:
    """Whether the Cypher layer (:data:`CYPHER_MODULE`) is installed."""
    try:
        return importlib.util.find_spec(CYPHER_MODULE) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


@cache
def example_graph() -> KnowledgeGraph:
    """The corpus built once per process into a temporary folder (removed at exit).

    The graph the examples of this module run on; handy in a notebook that wants the
    corpus graph without choosing an output folder.

    Returns
    -------
    KnowledgeGraph
    """
    tmp = Path(tempfile.mkdtemp(prefix="govkg-example-"))
    kg = KnowledgeGraph.build(out_dir=tmp / "out")

    def clean_up() -> None:
        kg.close()  # a Cypher server started by an example runs in that folder
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(clean_up)
    return kg
