"""The SSSOM schema's slot tables, as graph/terms/sssom.py reads and writes them.

Taken from the LinkML schema (mapping-commons/sssom `src/sssom_schema/schema/sssom_schema.yaml`, SSSOM
1.1, commit 8cfba109) and the spec (`spec-intro.md` built-in prefixes, `spec-model.md` propagatable
slots); tests/test_alignments.py checks them against the JSON Schema generated from that schema.
"""

from __future__ import annotations

import re

# Slots of the schema's `mapping` and `mapping set` classes, in the schema's (= canonical) order.
MAPPING_SLOTS = (
    "record_id", "subject_id", "subject_label", "subject_category", "predicate_id", "predicate_label",
    "predicate_modifier", "object_id", "object_label", "object_category", "mapping_justification",
    "author_id", "author_label", "reviewer_id", "reviewer_label", "creator_id", "creator_label",
    "license", "subject_type", "subject_source", "subject_source_version", "object_type",
    "object_source", "object_source_version", "predicate_type", "mapping_provider", "mapping_source",
    "mapping_cardinality", "cardinality_scope", "mapping_tool", "mapping_tool_id",
    "mapping_tool_version", "mapping_date", "publication_date", "review_date", "confidence",
    "reviewer_agreement", "curation_rule", "curation_rule_text", "subject_match_field",
    "object_match_field", "match_string", "subject_preprocessing", "object_preprocessing",
    "similarity_score", "similarity_measure", "see_also", "issue_tracker_item", "other", "comment")
MAPPING_SET_SLOTS = (
    "sssom_version", "curie_map", "mapping_set_id", "mapping_set_version", "mapping_set_source",
    "mapping_set_title", "mapping_set_description", "mapping_set_confidence", "creator_id",
    "creator_label", "license", "subject_type", "subject_source", "subject_source_version",
    "object_type", "object_source", "object_source_version", "predicate_type", "mapping_provider",
    "cardinality_scope", "mapping_tool", "mapping_tool_id", "mapping_tool_version", "mapping_date",
    "publication_date", "subject_match_field", "object_match_field", "subject_preprocessing",
    "object_preprocessing", "similarity_measure", "curation_rule", "curation_rule_text", "see_also",
    "issue_tracker", "other", "comment", "extension_definitions")
REQUIRED_SET_SLOTS = ("mapping_set_id", "license")
PROPAGATABLE = frozenset((
    "subject_type", "predicate_type", "object_type", "subject_source", "subject_source_version",
    "object_source", "object_source_version", "mapping_provider", "cardinality_scope", "mapping_tool",
    "mapping_tool_id", "mapping_tool_version", "mapping_date", "subject_match_field",
    "object_match_field", "subject_preprocessing", "object_preprocessing", "curation_rule",
    "curation_rule_text", "similarity_measure"))
MULTIVALUED = frozenset((
    "author_id", "author_label", "reviewer_id", "reviewer_label", "creator_id", "creator_label",
    "cardinality_scope", "curation_rule", "curation_rule_text", "subject_match_field",
    "object_match_field", "match_string", "subject_preprocessing", "object_preprocessing",
    "mapping_set_source", "see_also"))
# Slots typed EntityReference: CURIEs in SSSOM/TSV.
ENTITY_REFERENCES = frozenset((
    "record_id", "subject_id", "predicate_id", "object_id", "mapping_justification", "subject_source",
    "object_source", "mapping_source", "mapping_tool_id", "issue_tracker_item", "creator_id",
    "author_id", "reviewer_id", "subject_match_field", "object_match_field", "subject_preprocessing",
    "object_preprocessing", "curation_rule"))
DOUBLES = {"confidence": (0.0, 1.0), "similarity_score": (0.0, 1.0), "reviewer_agreement": (-1.0, 1.0),
           "mapping_set_confidence": (0.0, 1.0)}
DATES = frozenset(("mapping_date", "publication_date", "review_date"))
ENTITY_TYPES = ("owl class", "owl object property", "owl data property", "owl annotation property",
                "owl named individual", "skos concept", "rdfs resource", "rdfs class", "rdfs literal",
                "rdfs datatype", "rdf property", "composed entity expression")
ENUMS = {"predicate_modifier": ("Not",), "subject_type": ENTITY_TYPES, "object_type": ENTITY_TYPES,
         "predicate_type": ENTITY_TYPES, "sssom_version": ("1.0", "1.1"),
         "mapping_cardinality": ("1:1", "1:n", "n:1", "n:n", "1:0", "0:1", "0:0")}
JUSTIFICATION = re.compile(
    r"^semapv:(MappingReview|ManualMappingCuration|LogicalReasoning|LexicalMatching|CompositeMatching|"
    r"UnspecifiedMatching|SemanticSimilarityThresholdMatching|LexicalSimilarityThresholdMatching|"
    r"MappingChaining|MappingInversion|StructuralMatching|InstanceBasedMatching|"
    r"BackgroundKnowledgeBasedMatching)$")
# spec-intro.md, "IRI prefixes": usable without a curie_map entry, and never redefined.
BUILTIN_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#", "sssom": "https://w3id.org/sssom/",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "linkml": "https://w3id.org/linkml/"}
