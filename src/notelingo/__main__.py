from notelingo.cli import main

main()
