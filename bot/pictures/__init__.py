"""Pictures drawn with Pillow: poses and their geometry, the figure, the stretch cards,
the progress chart. No Discord and no rules; may import content only."""
