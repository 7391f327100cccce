"""erfgoed-kg: linked-data knowledge graph for the Flemish culture sector."""
