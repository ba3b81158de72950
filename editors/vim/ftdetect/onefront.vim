" onefront: deployment files of OpenNebula front-ends (*.onefront).
autocmd BufNewFile,BufRead *.onefront setfiletype onefront
