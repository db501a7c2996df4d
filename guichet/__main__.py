from guichet.manage import main

main()
