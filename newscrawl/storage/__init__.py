"""MongoDB storage: document schema, connection (embedded or configured), batched writer,
dead-letter files and their replay. The item pipelines live in :mod:`newscrawl.pipelines`;
``python -m newscrawl.storage`` serves the embedded store and replays dead letters."""
