import{a as t}from"./common-3viHliPE.js";const e=document.querySelector('form.filters input[name="q"]');e&&t(e);
