"""The distributor metering pipeline: SFTP connections and the poll, the files' names and rows, splitting and
parallel ingestion, and the stored hourly readings."""
