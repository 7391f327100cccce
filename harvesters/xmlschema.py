"""XSD checks of harvested XML (LIDO 1.0), fully offline once the schemas are local.

The LIDO XSD imports GML, SMIL, XLink and xml.xsd by absolute URL; every such URL is answered by
Resources (local map, cache, or fetched once), never by lxml going to the network itself.
"""

from __future__ import annotations

from lxml import etree

from erfgoed.errors import UserError
from erfgoed.harvesters.resources import Resources

SCHEMAS = {  # metadataPrefix / XML namespace -> the official schema location
    "lido": "http://www.lido-schema.org/schema/v1.0/lido-v1.0.xsd",
}
LIDO_NS = "http://www.lido-schema.org"


class OfflineResolver(etree.Resolver):
    """Answers every http(s) schema import from Resources (local map, cache, fetched once),
    so lxml itself never goes to the network. Shared by the LIDO and EDM checks."""

    def __init__(self, resources: Resources):
        super().__init__()
        self.resources = resources

    def resolve(self, url, pubid, context):
        if url and url.startswith(("http://", "https://")):
            return self.resolve_filename(str(self.resources.path(url)), context)
        return None


class SchemaCheck:
    """Validates one record element at a time; errors as plain lines naming line and element."""

    def __init__(self, url: str, resources: Resources):
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(OfflineResolver(resources))
        path = resources.path(url)
        try:
            self.schema = etree.XMLSchema(etree.parse(str(path), parser))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
            raise UserError(f"the schema {url} (read from {path}) cannot be used: {exc}") from None
        self.url = url

    @classmethod
    def for_prefix(cls, prefix: str, resources: Resources) -> SchemaCheck | None:
        url = SCHEMAS.get(prefix)
        return cls(url, resources) if url else None

    def errors(self, element: etree._Element, limit: int = 10, first_line: int = 1) -> list[str]:
        """Schema errors naming their line; `first_line`: where the element starts in the
        document the user knows (when it was parsed again on its own)."""
        if self.schema.validate(element):
            return []
        out = []
        for e in list(self.schema.error_log)[:limit]:
            message = e.message.replace("{" + LIDO_NS + "}", "lido:")
            out.append(f"LIDO schema: line {e.line + first_line - 1}: {message}")
        return out

    def text_errors(self, xml: str, first_line: int = 1) -> list[str]:
        """`errors` of a record kept as text (parsed again: a deferred check then holds one string,
        not the parsed page it came from)."""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return self.errors(etree.fromstring(xml.encode(), parser), first_line=first_line)
